/** A recipe as the sample API returns it. */
export interface Recipe {
  readonly id: number;
  readonly name: string;
  readonly ingredients: readonly string[];
}
