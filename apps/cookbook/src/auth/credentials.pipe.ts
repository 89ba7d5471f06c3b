import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** The body of `POST /api/login`. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Validates the login body: a JSON object with a non-empty string `username` and `password`. */
@Injectable()
export class CredentialsPipe implements PipeTransform<unknown, Credentials> {
  transform(body: unknown): Credentials {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestException('The body must be a JSON object: { "username": string, "password": string }');
    }
    const { username, password } = body as Record<string, unknown>;
    return { username: requiredString('username', username), password: requiredString('password', password) };
  }
}

function requiredString(field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') throw new BadRequestException(`${field} is required`);
  if (typeof value !== 'string') throw new BadRequestException(`${field} must be a string, not ${typeName(value)}`);
  return value;
}

function typeName(value: unknown): string {
  const name = Array.isArray(value) ? 'array' : typeof value;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}
