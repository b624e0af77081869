import { ScriptNotFoundError } from '@millrace/settings';
import type { FastifyInstance } from 'fastify';
import { type ServerContext, wildcardPath } from '../context';
import { HttpError } from '../errors';
import { pageOf } from '../list-page';
import {
  afterPageQuery,
  beforePageQuery,
  deployBody,
  parse,
  scriptQuery,
  scriptSettingsBody,
} from '../schemas';
import { scriptJson, versionJson } from '../serialize';

/** Scripts: deploy, list, get (a version), version history, settings. */
export function registerScriptRoutes(app: FastifyInstance, { settings }: ServerContext): void {
  app.get('/api/scripts', async (request) => {
    const q = parse(afterPageQuery, request.query, 'query');
    const scripts = await settings.listScripts();
    scripts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const page = pageOf(
      scripts,
      (s) => s.path,
      (s, key) => s.path > key,
      {
        limit: q.limit,
        cursor: q.after,
        what: 'after',
      },
    );
    return { scripts: page.items.map(scriptJson), nextAfter: page.next };
  });

  app.post('/api/scripts', async (request, reply) => {
    const body = parse(deployBody, request.body, 'deploy body');
    const deployed = await settings.deployScript(body);
    return reply.status(deployed.created ? 201 : 200).send({
      path: deployed.path,
      hash: deployed.hash,
      version: deployed.version,
      dependencies: deployed.dependencies,
    });
  });

  app.get('/api/scripts/*', async (request) => {
    const path = wildcardPath(request.params);
    const { version } = parse(scriptQuery, request.query, 'query');
    try {
      return scriptJson(await settings.getScript(path, { version }));
    } catch (err) {
      if (version === undefined || !(err instanceof ScriptNotFoundError)) throw err;
      await settings.getScript(path); // the script itself missing stays script_not_found
      throw new HttpError('script_version_not_found', `script ${path} has no version ${version}`);
    }
  });

  app.get('/api/script-versions/*', async (request) => {
    const q = parse(beforePageQuery, request.query, 'query');
    const versions = await settings.listVersions(wildcardPath(request.params));
    versions.sort((a, b) => b.version - a.version);
    const page = pageOf(
      versions,
      (v) => String(v.version),
      (v, key) => v.version < Number(key),
      {
        limit: q.limit,
        cursor: q.before,
        what: 'before',
        keyPattern: /^[1-9]\d{0,9}$/,
      },
    );
    return { versions: page.items.map(versionJson), nextBefore: page.next };
  });

  app.get('/api/script-settings/*', async (request) => {
    const script = await settings.getScript(wildcardPath(request.params));
    return { path: script.path, settings: script.settings, resolvedTag: script.resolvedTag };
  });

  app.put('/api/script-settings/*', async (request) => {
    const path = wildcardPath(request.params);
    const patch = parse(scriptSettingsBody, request.body ?? {}, 'settings');
    const result = await settings.setScriptSettings(path, patch);
    return { path, settings: result.settings, resolvedTag: result.resolvedTag };
  });
}
