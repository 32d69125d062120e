/**
 * How large one class-declaration run grows before it continues as new.
 *
 *   DATABASE_URL=postgres://... TEMPORAL_ADDRESS=host:port npx tsx bin/benchClassReports.ts [reports=CLASS_REPORTS_PER_RUN]
 *
 * Makes a throwaway institution and class in the given database, runs the workflow on a
 * worker of its own task queue, approves it, sends outcome reports (one person each) one
 * after another, and prints the first run's history length and size just before it
 * continues as new, with the time a report takes. Figures are printed, not asserted.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../app/config';
import { createDeps, closeDeps } from './runtime';
import { createWorker } from './worker-runtime';
import { sendUpdate, startPlatformWorkflow, workflowHandle } from '../web/workflows';
import { decideUpdate } from '../workflows/messages/review';
import { classWorkflowId, reportOutcomesUpdate } from '../workflows/messages/classDeclaration';
import type { classDeclaration } from '../workflows/classDeclaration';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) throw new Error('DATABASE_URL and TEMPORAL_ADDRESS are required');
  const reports = Number(process.argv[2] ?? config.CLASS_REPORTS_PER_RUN);
  const deps = await createDeps(config, { databaseUrl: config.DATABASE_URL, temporalAddress: config.TEMPORAL_ADDRESS, migrate: true, taskQueue: `bench-${randomUUID()}`, jwtSecret: 'bench' });
  const { worker, connection } = await createWorker(deps, config.TEMPORAL_ADDRESS);
  const running = worker.run();
  const { db } = deps;
  try {
    const tag = randomUUID().slice(0, 8);
    const [inst] = await db('institutions')
      .insert({ name: `压测机构${tag}`, credit_code: `BENCH${tag}`.padEnd(18, '0'), type: '培训机构', region_code: '350100', address: '-', head_name: '-', contact_name: '-', contact_phone: '13800000000', email: 'bench@example.com', status: 'active' })
      .returning('id');
    const [user] = await db('users').insert({ login_name: `bench${tag}`, name: '压测', password_hash: '-', role: 'institution_admin', institution_id: inst.id }).returning('id');
    const org = await db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first('id');
    const [rev] = await db('users').insert({ login_name: `benchrev${tag}`, name: '压测审核', password_hash: '-', role: 'reviewer', org_id: org.id }).returning('id');
    const year = Number(new Date().toISOString().slice(0, 4));
    const [cls] = await db('training_classes')
      .insert({ institution_id: inst.id, name: `压测班${tag}`, training_year: year, subject_type: 'public', start_date: `${year}-01-02`, end_date: `${year}-01-03`, planned_count: 1, contact_name: '-', contact_phone: '13800000000', reviewer_org_id: org.id, outcome_mode: 'after_approval', status: 'pending', total_hours: 10 })
      .returning('id');
    const workflowId = classWorkflowId(cls.id);
    await startPlatformWorkflow<typeof classDeclaration>(deps, {
      type: 'class_declaration', workflow: 'classDeclaration', workflowId, institutionId: inst.id, businessKey: String(cls.id),
      args: [{ classId: cls.id, institutionId: inst.id, orgId: org.id, title: `压测班${tag}`, outcomeMode: 'after_approval', trainingYear: year, overdueAfterMs: 3600_000, closeAfterYearEndMs: 180 * 86_400_000, maxReportsPerRun: reports }],
    });
    for (;;) {
      const ok = await sendUpdate(deps, workflowId, decideUpdate, { decision: 'approve', actor: { userId: rev.id, orgId: org.id, institutionId: null } }).catch(() => null);
      if (ok?.ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const firstRun = (await workflowHandle(deps, workflowId).describe()).runId;
    const started = Date.now();
    let before: { length: number; size: number | undefined } = { length: 0, size: 0 };
    for (let i = 1; i <= reports; i++) {
      if (i === reports) {
        const d = await workflowHandle(deps, workflowId).describe();
        before = { length: d.historyLength, size: d.historySize };
      }
      const reportId = randomUUID();
      await db('outcome_reports').insert({ id: reportId, class_id: cls.id, institution_id: inst.id, rows: 1, created_by: user.id });
      await db('outcomes').insert({ class_id: cls.id, institution_id: inst.id, id_number: `B${tag}${String(i).padStart(9, '0')}`, name: '压测学员', hours: 2, result: 'pass', report_id: reportId });
      const r = await sendUpdate(deps, workflowId, reportOutcomesUpdate, { reportId, actorUserId: user.id, institutionId: inst.id });
      if (!r.ok) throw new Error(r.message);
    }
    const ms = Date.now() - started;
    await new Promise((r) => setTimeout(r, 1000));
    const first = await deps.temporal!.workflow.getHandle(workflowId, firstRun).describe();
    const now = await workflowHandle(deps, workflowId).describe();
    const records = Number((await db('training_records').where({ class_id: cls.id }).count('* as n'))[0].n);
    console.log(`reports per run (threshold): ${reports}`);
    console.log(`first run before its last report: ${before.length} events, ${before.size ?? '?'} bytes`);
    console.log(`first run at continue-as-new:     ${first.historyLength} events, ${first.historySize ?? '?'} bytes, status ${first.status.name}`);
    console.log(`current run: ${now.runId === firstRun ? 'same run' : 'new run'}, ${now.historyLength} events`);
    console.log(`records written: ${records} of ${reports}; ${(ms / reports).toFixed(1)} ms per report (sequential)`);
    console.log(`per report: ~${((first.historyLength - 0) / reports).toFixed(1)} events, ~${(((first.historySize ?? 0) as number) / reports).toFixed(0)} bytes`);
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await closeDeps(deps);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
