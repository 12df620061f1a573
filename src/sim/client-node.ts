import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ClientNode from '@kubernetes/client-node';
import type { ApiHandler } from './api-server.ts';

/** A user's `@kubernetes/client-node` module (1.x or 2.x): the simulator binds to this copy, never to its own. */
export type ClientNodeModule = typeof ClientNode;

/** The in-memory cluster's URL: https, because client-node refuses plain http, and never dialled. */
const SERVER_URL = 'https://fixpoint.invalid';

const KUBECONFIG_OPTIONS = {
  clusters: [{ name: 'fixpoint', server: SERVER_URL, skipTLSVerify: false }],
  users: [{ name: 'fixpoint' }],
  contexts: [{ name: 'fixpoint', cluster: 'fixpoint', user: 'fixpoint', namespace: 'default' }],
  currentContext: 'fixpoint',
};

const NODE_FETCH_USER_AGENT = 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)';

type KubeConfigFactory = (server: ApiHandler) => ClientNode.KubeConfig;
const factories = new WeakMap<ClientNodeModule, KubeConfigFactory>();

/**
 * A `KubeConfig` of the user's own client-node whose API clients send every request to `server`
 * (the API server, or anything that answers like it) in-process. Only the transport (`configuration.httpApi`) is replaced: request building,
 * serialisation, content-type choice and `ApiException` are the library's own.
 */
export function simulatedKubeConfig(clientNode: ClientNodeModule, server: ApiHandler): ClientNode.KubeConfig {
  let factory = factories.get(clientNode);
  if (!factory) {
    factory = kubeConfigFactory(clientNode);
    factories.set(clientNode, factory);
  }
  return factory(server);
}

function kubeConfigFactory(clientNode: ClientNodeModule): KubeConfigFactory {
  type ApiConstructor = new (configuration: ClientNode.Configuration) => object;

  class SimulatedKubeConfig extends clientNode.KubeConfig {
    readonly #httpApi: ClientNode.HttpLibrary;
    readonly #boundClients = new WeakMap<ApiConstructor, ApiConstructor>();

    constructor(server: ApiHandler) {
      super();
      this.loadFromOptions(KUBECONFIG_OPTIONS);
      this.#httpApi = clientNode.wrapHttpLibrary({ send: (request) => Promise.resolve(send(clientNode, server, request)) });
    }

    /** The library's own makeApiClient, given a subclass of the API class that swaps in the in-process transport. */
    override makeApiClient<T extends ClientNode.ApiType>(apiClientType: ClientNode.ApiConstructor<T>): T {
      return super.makeApiClient(this.#bound(apiClientType as unknown as ApiConstructor) as unknown as ClientNode.ApiConstructor<T>);
    }

    /** Nothing to authenticate in-process; the library's version would read certificate files. */
    override async applySecurityAuthentication(): Promise<void> {}

    #bound(apiClientType: ApiConstructor): ApiConstructor {
      let bound = this.#boundClients.get(apiClientType);
      if (!bound) {
        const httpApi = this.#httpApi;
        bound = class extends apiClientType {
          constructor(configuration: ClientNode.Configuration) {
            super({ ...configuration, httpApi });
          }
        };
        this.#boundClients.set(apiClientType, bound);
      }
      return bound;
    }
  }
  return (server) => new SimulatedKubeConfig(server);
}

function send(clientNode: ClientNodeModule, server: ApiHandler, request: ClientNode.RequestContext): ClientNode.ResponseContext {
  const url = new URL(request.getUrl());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.getHeaders())) headers[name.toLowerCase()] = value;
  // client-node 2.x sets its User-Agent in a middleware; 1.x leaves it to node-fetch, whose default this is.
  headers['user-agent'] ??= NODE_FETCH_USER_AGENT;
  const body = request.getBody();
  const response = server.handle({
    method: request.getHttpMethod(),
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: typeof body === 'string' ? body : undefined,
  });
  const text = response.body;
  return new clientNode.ResponseContext(response.status, { ...response.headers }, {
    text: () => Promise.resolve(text),
    binary: () => Promise.resolve(Buffer.from(text)),
    stream: () => null,
  });
}

/** Imports the `@kubernetes/client-node` that code in `directory` would import. */
export async function resolveClientNode(directory: string): Promise<ClientNodeModule> {
  const require = createRequire(join(directory, 'package.json'));
  let packageJsonPath: string;
  try {
    packageJsonPath = require.resolve('@kubernetes/client-node/package.json');
  } catch {
    throw new Error(`@kubernetes/client-node is not installed where ${directory} can import it: run \`npm install @kubernetes/client-node\` there, or pass clientNode`);
  }
  const packageJson = require(packageJsonPath) as { main?: string };
  return (await import(pathToFileURL(join(dirname(packageJsonPath), packageJson.main ?? 'dist/index.js')).href)) as ClientNodeModule;
}
