/** A signed-in user as the API returns it. */
export interface User {
  readonly id: number;
  readonly username: string;
}
