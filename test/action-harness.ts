/** What the end-to-end tests of the Action share: the copier project and running `dist/index.js` as the runner does. */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
export const DIST = join(ROOT, 'dist', 'index.js');
export const NODE_MODULES = join(ROOT, 'node_modules');

/** A controller copying ConfigMap `source`'s `data.value` into ConfigMap `target`; `body` is the data it writes. */
export function copierController(options: { name?: string; body?: string; comment?: string } = {}): string {
  const body = options.body ?? '{ value }';
  return `import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { defineController } from 'fixpoint';
${options.comment ?? ''}
export default defineController({
  name: '${options.name ?? 'copier'}',
  for: { apiVersion: 'v1', kind: 'ConfigMap' },
  async reconcile(request, ctx) {
    if (request.name !== 'source') return;
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const source = await core.readNamespacedConfigMap({ name: 'source', namespace: 'default' });
    const value = source.data?.['value'] ?? '';
    try {
      const target = await core.readNamespacedConfigMap({ name: 'target', namespace: 'default' });
      if (JSON.stringify(target.data) === JSON.stringify(${body})) return;
      await core.replaceNamespacedConfigMap({ name: 'target', namespace: 'default', body: { ...target, data: ${body} } });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'target' }, data: ${body} } });
    }
  },
});
`;
}

/** The copier reading a field ConfigMaps do not have: it throws a TypeError, a new `controller-error`. */
export const THROWING_COPIER = copierController({ body: '{ value: (source.data as unknown as { nested: { value: string } }).nested.value }' });

/** The copier project's fixpoint.yaml, naming the controller `controller`. */
export function copierConfig(controller = 'copier'): string {
  return `controllers:\n  - { name: ${controller}, module: src/copier.ts }\nscenarios:\n  - { name: copy, objects: [objects.yaml] }\n`;
}

/** The copier project: one scenario with ConfigMap `source`. */
export const COPIER_PROJECT: Record<string, string> = {
  '.gitignore': 'node_modules\n',
  'fixpoint.yaml': copierConfig(),
  'objects.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: source, namespace: default }\ndata: { value: hello }\n',
  'src/copier.ts': copierController(),
};

export interface ActionRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** How one run of the Action is set up. */
export interface RunSetup {
  /** a fresh folder for this run's runner files */
  readonly folder: string;
  readonly inputs: Record<string, string>;
  readonly eventName: string;
  readonly payload: unknown;
  /** GITHUB_WORKSPACE and the child's working directory */
  readonly workspace: string;
  readonly apiUrl: string;
  readonly runId?: number;
  /** RUNNER_TEMP; defaults to `temp` in `folder` */
  readonly temp?: string;
  /** the bundle to run; defaults to this repository's dist/index.js */
  readonly dist?: string;
  /** the runner's artifact service (ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN); unset: none, as on a local runner */
  readonly artifactService?: { readonly resultsUrl: string; readonly runtimeToken: string };
  /** more environment variables */
  readonly env?: Record<string, string>;
}

const INPUT_DEFAULTS: Record<string, string> = {
  config: 'fixpoint.yaml',
  'github-token': 'ghs_fake',
  base: '',
  head: '',
  'working-directory': '.',
  'install-command': '',
  'fail-on': 'new-findings',
  comment: 'update',
  'max-states': '',
  'timeout-seconds': '',
  mode: 'check',
};

/** Runs `node dist/index.js` as the runner would: INPUT_* (hyphens kept), the event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, and the artifact service's variables. */
export async function runDist(setup: RunSetup): Promise<ActionRun> {
  const temp = setup.temp ?? join(setup.folder, 'temp');
  for (const folder of [setup.folder, temp]) mkdirSync(folder, { recursive: true });
  const outputFile = join(setup.folder, 'output');
  const summaryFile = join(setup.folder, 'summary.md');
  const payloadPath = join(setup.folder, 'event.json');
  writeFileSync(payloadPath, JSON.stringify(setup.payload));
  for (const file of [outputFile, summaryFile, join(setup.folder, 'env'), join(setup.folder, 'state')]) writeFileSync(file, '');
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(name) && name !== 'NODE_TEST_CONTEXT') env[name] = value;
  }
  for (const [name, value] of Object.entries({ ...INPUT_DEFAULTS, ...setup.inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: setup.eventName,
    GITHUB_EVENT_PATH: payloadPath,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ENV: join(setup.folder, 'env'),
    GITHUB_STATE: join(setup.folder, 'state'),
    GITHUB_API_URL: setup.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/widgets',
    GITHUB_RUN_ID: String(setup.runId ?? 42),
    GITHUB_WORKSPACE: setup.workspace,
    RUNNER_TEMP: temp,
    ...(setup.artifactService === undefined ? {} : { ACTIONS_RESULTS_URL: setup.artifactService.resultsUrl, ACTIONS_RUNTIME_TOKEN: setup.artifactService.runtimeToken }),
    ...setup.env,
  });
  const child = spawn(process.execPath, [setup.dist ?? DIST], { cwd: setup.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout, stderr, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') };
}

/** The name<<delimiter blocks @actions/core appends to GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm)) outputs[match[1]!] = match[3]!;
  return outputs;
}
