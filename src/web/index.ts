// Public surface of the web layer.
export {
  registerRoutes,
  type RegisteredRoutes,
  type WebDeps,
  type WebHandler,
  type WebRouter,
  type WebResponse,
} from './routes';
export { statusPageHtml } from './status-page';
