/** The API's rule for staff passwords: at least this many characters (code points). */
export const MIN_PASSWORD_LENGTH = 12;

/** The message for a password the API would refuse, or null. */
export function passwordProblem(password: string): string | null {
  return Array.from(password).length >= MIN_PASSWORD_LENGTH ? null : `Use at least ${MIN_PASSWORD_LENGTH} characters`;
}
