import type { Config } from '../check/config.ts';
import { bundleModule } from '../controllers/bundle.ts';
import { errorMessage } from '../error-message.ts';

/** A controller whose module does not build: which one, its module, and the build error's message. */
export interface InputsFailure {
  readonly controller: string;
  /** Absolute path of the module. */
  readonly module: string;
  readonly message: string;
}

/** Each controller's bundle inputs, and the controllers whose module does not build. */
export interface ControllerInputs {
  /** Absolute paths of the files that went into each controller's bundle, sorted, by controller name; absent for a failure. */
  readonly inputs: Map<string, string[]>;
  /** One per controller whose module failed to build, in config order. */
  readonly errors: InputsFailure[];
}

/** The outcome of bundling one module. */
type Outcome = { readonly inputs: readonly string[] } | { readonly message: string };

/** Bundles each distinct controller module of `config` once and lists, per controller, the files that went into it; build failures are returned, not thrown. */
export async function controllerInputs(config: Config): Promise<ControllerInputs> {
  const modules = [...new Set(config.controllers.map((controller) => controller.module))];
  const outcomes = new Map<string, Outcome>();
  await Promise.all(
    modules.map(async (module) => {
      try {
        outcomes.set(module, { inputs: (await bundleModule(module, config.directory)).inputs });
      } catch (error) {
        outcomes.set(module, { message: errorMessage(error) });
      }
    }),
  );
  const inputs = new Map<string, string[]>();
  const errors: InputsFailure[] = [];
  for (const controller of config.controllers) {
    const outcome = outcomes.get(controller.module);
    if (outcome === undefined) continue;
    if ('inputs' in outcome) inputs.set(controller.name, [...outcome.inputs]);
    else errors.push({ controller: controller.name, module: controller.module, message: outcome.message });
  }
  return { inputs, errors };
}
