/**
 * The REST paths of the interception-product report cards (issue 21), shared
 * by the server (proxy-grade-routes.ts) and the dashboard. No imports: the
 * browser bundle pulls in nothing else from the server.
 */
export const PROXY_GRADE_PATHS = {
  /** GET: the newest card per product (`?all=1`: every stored card), newest first. */
  list: '/api/proxy-grades',
  /** GET `${card}/:id`: one card in full, with the evidence per defect. */
  card: '/api/proxy-grades',
} as const
