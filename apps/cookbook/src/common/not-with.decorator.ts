import { registerDecorator, type ValidationArguments } from 'class-validator';

/** class-validator: the property may not be given together with `other` (one of the two, not both). */
export function NotWith(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: (args: ValidationArguments) => `${args.property} must not be given together with ${other}` },
      validator: {
        validate: (_value: unknown, args: ValidationArguments) =>
          (args.object as Record<string, unknown>)[other] === undefined,
      },
    });
}
