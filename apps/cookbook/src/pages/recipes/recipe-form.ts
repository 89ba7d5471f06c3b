/** The add-recipe form's fields, as typed (re-shown when the form has errors). */
export interface RecipeForm {
  readonly name: string;
  readonly description: string;
  /** One ingredient per line: `Food: quantity`. */
  readonly ingredients: string;
}

/** The form turned into the body `POST /api/recipes` takes, or the lines that could not be read. */
export type RecipeFormBody =
  | {
      readonly body: {
        name: string;
        description: string;
        ingredients: { foodName: string; description: string }[];
      };
    }
  | { readonly errors: readonly string[] };

/** The submitted form fields; anything that is not a string (a repeated field, a missing one) reads as empty. */
export function recipeFormOf(body: unknown): RecipeForm {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (name: string): string => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  return { name: text('name'), description: text('description'), ingredients: text('ingredients') };
}

/**
 * Reads the ingredient lines (`Flour: 200 g`: the food before the first colon, the quantity after it; blank lines
 * skipped). The rest of the validation is the API's own, run on the result.
 */
export function recipeFormBody(form: RecipeForm): RecipeFormBody {
  const errors: string[] = [];
  const ingredients: { foodName: string; description: string }[] = [];
  form.ingredients.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const colon = line.indexOf(':');
    const foodName = colon === -1 ? '' : line.slice(0, colon).trim();
    const description = colon === -1 ? '' : line.slice(colon + 1).trim();
    if (!foodName || !description) {
      errors.push(`Ingredient line ${index + 1} ("${line}") must read "Food: quantity", e.g. "Flour: 200 g".`);
      return;
    }
    ingredients.push({ foodName, description });
  });
  if (errors.length > 0) return { errors };
  return { body: { name: form.name, description: form.description, ingredients } };
}
