/** A favourite as the API shows it: the recipe (id and name) and when it was marked. */
export interface FavoriteView {
  readonly recipe: { readonly id: number; readonly name: string };
  readonly createdAt: string;
}
