/** A signed-in user as the API returns it. */
export interface SignedInUser {
  readonly id: number;
  readonly username: string;
}
