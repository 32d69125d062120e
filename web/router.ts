import { Router, type RequestHandler } from 'express';
import type { Guard } from '../domain/permissions';
import { requireGuard } from './auth/guard';

export type { Guard };


export interface RouteInfo {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  guard: Guard;
}

/** Every route of the app, filled as areas register; the permission tests walk it. */
export const routeRegistry: RouteInfo[] = [];

/**
 * A router whose routes cannot be declared without a guard: the guard is the second
 * argument of get/post/put/delete and the type system refuses a route without one.
 */
export class SecureRouter {
  readonly router = Router();

  private add(method: RouteInfo['method'], path: string, guard: Guard, handlers: RequestHandler[]) {
    if (!guard) throw new Error(`Route ${method.toUpperCase()} ${path} has no guard`);
    if (handlers.length === 0) throw new Error(`Route ${method.toUpperCase()} ${path} has no handler`);
    if (!routeRegistry.some((r) => r.method === method && r.path === path)) routeRegistry.push({ method, path, guard });
    this.router[method](path, requireGuard(guard), ...handlers);
  }

  get(path: string, guard: Guard, ...handlers: RequestHandler[]) {
    this.add('get', path, guard, handlers);
  }
  post(path: string, guard: Guard, ...handlers: RequestHandler[]) {
    this.add('post', path, guard, handlers);
  }
  put(path: string, guard: Guard, ...handlers: RequestHandler[]) {
    this.add('put', path, guard, handlers);
  }
  delete(path: string, guard: Guard, ...handlers: RequestHandler[]) {
    this.add('delete', path, guard, handlers);
  }
}
