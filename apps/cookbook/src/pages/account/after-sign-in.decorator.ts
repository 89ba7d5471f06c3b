import { SetMetadata } from '@nestjs/common';

/** Metadata key of `@AfterSignIn()`. */
export const AFTER_SIGN_IN_METADATA = 'cookbook:after-sign-in';

/**
 * The page a visitor who is not signed in is sent back to after signing in, for a `LoginRequiredGuard` route that
 * cannot be come back to: a form's POST (coming back means a GET of it). Without it, a GET comes back to itself
 * and anything else goes to the dashboard.
 */
export const AfterSignIn = (path: string): ClassDecorator & MethodDecorator =>
  SetMetadata(AFTER_SIGN_IN_METADATA, path);
