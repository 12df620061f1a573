/** What a caught value says: an Error's message, anything else as text (a thrown string, a number). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
