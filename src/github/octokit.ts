/**
 * The GitHub client of the Action: `@actions/github`'s Octokit (REST methods, pagination, the
 * runner's proxy settings) with the retry and throttling plugins, the REST API version pinned,
 * and GHES reached through `GITHUB_API_URL`. Every retry and rate-limit wait is bounded and
 * logged, so a struggling API costs a job seconds, never an hour.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Octokit } from '@octokit/core';

/** The REST API version every request asks for, so a default change on GitHub's side cannot change a response under us. */
export const GITHUB_API_VERSION = '2022-11-28';
/** Where the REST API is when `GITHUB_API_URL` is not set (github.com). */
export const DEFAULT_API_URL = 'https://api.github.com';

/** Where the client reports retries and waits; `@actions/core` itself fits (`debug`, `info`, `warning`). */
export interface GitHubLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

/** How the client reaches GitHub and how patient it is. */
export interface CreateOctokitOptions {
  /** the REST API root; defaults to `GITHUB_API_URL` (set by the runner, a GHES address there) or api.github.com */
  readonly baseUrl?: string;
  /** where retries and rate-limit waits are reported; defaults to the console */
  readonly logger?: GitHubLogger;
  /** how many times a request failing with a server error, or held by a rate limit, is tried again */
  readonly retries?: number;
  /** one back-off unit in milliseconds: the retry plugin waits unit × n² after the n-th failure, the throttling plugin unit × Retry-After seconds; tests shrink it */
  readonly backoffUnitMilliseconds?: number;
  /** the longest rate-limit wait, in seconds, worth sitting out; a longer one (a primary limit resetting in 40 minutes) gives up */
  readonly maxRateLimitWaitSeconds?: number;
  /** milliseconds between two writes; unset keeps the plugin's pacing (1 s between writes, 3 s between notifying ones), which GitHub asks of content-creating requests */
  readonly writeIntervalMilliseconds?: number;
}

/** The client `createOctokit` returns: REST methods under `.rest`, `.paginate`, `.graphql`. */
export type GitHubClient = ReturnType<typeof getOctokit>;

/** The throttling plugin's handler type; its `void` return is really "retry if true". */
type LimitHandler = NonNullable<ThrottlingOptions['onRateLimit']>;

/** Tries per request by default: with the back-off of 1 s, 4 s, 9 s, a flaky API costs at most 14 s. */
export const DEFAULT_RETRIES = 3;
/** A rate-limit wait longer than this gives up: a CI job should not idle until an hourly limit resets. */
const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 60;
/** The plugins' own unit: seconds. */
const DEFAULT_BACKOFF_UNIT_MILLISECONDS = 1000;

/** An Octokit for `token`: retries server errors, sits out short rate limits, pins the API version, honours GHES. */
export function createOctokit(token: string, options: CreateOctokitOptions = {}): GitHubClient {
  const logger = options.logger ?? consoleLogger;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const backoffUnit = options.backoffUnitMilliseconds ?? DEFAULT_BACKOFF_UNIT_MILLISECONDS;
  const maxWait = options.maxRateLimitWaitSeconds ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS;
  const octokit = getOctokit(
    token,
    {
      baseUrl: apiUrl(options.baseUrl),
      log: octokitLog(logger),
      retry: { retries, retryAfterBaseValue: backoffUnit },
      throttle: {
        retryAfterBaseValue: backoffUnit,
        onRateLimit: rateLimitHandler('rate limit', logger, retries, maxWait),
        onSecondaryRateLimit: rateLimitHandler('secondary rate limit', logger, retries, maxWait),
        ...writePacing(options.writeIntervalMilliseconds),
      },
    },
    retry,
    throttling,
    pinApiVersion,
  );
  return octokit;
}

/** The API root: the option, else the runner's `GITHUB_API_URL`, else github.com; without a trailing slash, which Octokit would double. */
export function apiUrl(baseUrl?: string): string {
  const url = baseUrl || process.env['GITHUB_API_URL'] || DEFAULT_API_URL;
  return url.replace(/\/+$/, '');
}

/** A plugin adding the API version header to every request that does not name one itself. */
function pinApiVersion(octokit: Octokit): Record<string, never> {
  octokit.hook.before('request', (options) => {
    options.headers['x-github-api-version'] ??= GITHUB_API_VERSION;
  });
  return {};
}

/** A throttling handler: log the wait, and retry while tries remain and the wait is short; `true` tells the plugin to retry. */
function rateLimitHandler(kind: string, logger: GitHubLogger, retries: number, maxWait: number): LimitHandler {
  return (retryAfter, request, _octokit, retryCount) => {
    const route = `${request.method} ${request.url}`;
    if (retryCount >= retries) {
      logger.warning(`GitHub ${kind} hit by ${route}; gave up after ${retryCount + 1} tries.`);
      return false;
    }
    if (retryAfter > maxWait) {
      logger.warning(`GitHub ${kind} hit by ${route}; it lifts in ${retryAfter} s, longer than the ${maxWait} s worth waiting.`);
      return false;
    }
    logger.info(`GitHub ${kind} hit by ${route}; trying again in ${retryAfter} s (try ${retryCount + 2} of ${retries + 1}).`);
    return true;
  };
}

/** Own write limiters when an interval is given (tests pass 0); none keeps the plugin's shared, GitHub-recommended ones. */
function writePacing(interval: number | undefined): { write?: Bottleneck.Group; notifications?: Bottleneck.Group } {
  if (interval === undefined) return {};
  return {
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: interval }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: interval }),
  };
}

/** Octokit's own log (deprecations, plugin trouble) sent to the logger: warnings stay warnings, chatter goes to debug. */
function octokitLog(logger: GitHubLogger) {
  const text = (message: string, extra: unknown[]) => [message, ...extra.map(String)].join(' ');
  return {
    debug: (message: string, ...extra: unknown[]) => logger.debug(text(message, extra)),
    info: (message: string, ...extra: unknown[]) => logger.debug(text(message, extra)),
    warn: (message: string, ...extra: unknown[]) => logger.warning(text(message, extra)),
    error: (message: string, ...extra: unknown[]) => logger.warning(text(message, extra)),
  };
}

/** The logger when none is given: the console, which the runner shows in the step's log. */
const consoleLogger: GitHubLogger = {
  debug: () => {},
  info: (message) => console.log(message),
  warning: (message) => console.warn(message),
};
