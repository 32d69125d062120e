/** Errors a handler can throw to get the plain error page with a status (404, 403, 503...). */
export class HttpError extends Error {
  constructor(public status: number, message = '') {
    super(message);
  }
}

export const notFound = () => new HttpError(404);
export const forbidden = () => new HttpError(403);
