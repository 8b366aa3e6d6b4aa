/**
 * SARIF 2.1.0 for both halves, in the subset GitHub code scanning reads: one run, rules keyed
 * by Bandit test ids and advisory ids, results located at paths inside the dist (code) or at the
 * requirement's file and line / the dist (dependencies). Ignored findings carry a suppression.
 */
import type { AuditReport, Severity } from './types.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

function level(severity: Severity): Level {
  return severity === 'low' ? 'note' : severity === 'medium' ? 'warning' : 'error';
}

interface Rule {
  id: string;
  name?: string;
  shortDescription: { text: string };
  helpUri?: string;
  properties?: Record<string, unknown>;
}

/** `file:line` (a requirements line) or a plain path, as a SARIF location. */
function location(where: string, line?: number): Record<string, unknown> {
  const m = /^(.*):(\d+)$/.exec(where);
  const uri = (m ? m[1]! : where).replace(/\\/g, '/');
  const start = line ?? (m ? Number(m[2]) : undefined);
  return {
    physicalLocation: { artifactLocation: { uri }, ...(start ? { region: { startLine: start } } : {}) },
  };
}

function suppressed(reason?: string): Record<string, unknown> {
  return reason ? { suppressions: [{ kind: 'external', justification: reason }] } : {};
}

/** The report as a SARIF 2.1.0 log. */
export function toSarif(report: AuditReport, version: string): Record<string, unknown> {
  const rules = new Map<string, Rule>();
  const results: Array<Record<string, unknown>> = [];
  for (const c of report.code) {
    if (!rules.has(c.test_id)) {
      rules.set(c.test_id, {
        id: c.test_id,
        name: c.test_name,
        shortDescription: { text: `Bandit ${c.test_id} ${c.test_name}` },
        ...(c.more_info ? { helpUri: c.more_info } : {}),
        ...(c.cwe
          ? { properties: { tags: ['security', `CWE-${c.cwe}`] } }
          : { properties: { tags: ['security'] } }),
      });
    }
    results.push({
      ruleId: c.test_id,
      level: level(c.severity),
      message: { text: `${c.text} (severity ${c.severity}, confidence ${c.confidence}; in ${c.dist})` },
      locations: [location(c.member, c.line)],
      ...suppressed(c.ignored),
    });
  }
  for (const d of report.dependencies) {
    for (const v of d.vulns) {
      if (!rules.has(v.id)) {
        rules.set(v.id, {
          id: v.id,
          shortDescription: { text: v.description.slice(0, 200) || v.id },
          helpUri: `https://osv.dev/vulnerability/${v.id}`,
          properties: { tags: ['security', 'dependency'], aliases: v.aliases },
        });
      }
      const fix = v.fix_versions.length
        ? ` Fixed in ${v.fix_versions.join(', ')}.`
        : ' No fixed version is known.';
      results.push({
        ruleId: v.id,
        level: level(v.severity),
        message: { text: `${d.name} ${d.version} is affected by ${v.id}.${fix}` },
        locations: [location(d.source)],
        ...suppressed(v.ignored),
      });
    }
  }
  for (const s of report.specifiers) {
    for (const id of s.advisories)
      if (!rules.has(id))
        rules.set(id, { id, shortDescription: { text: id }, helpUri: `https://osv.dev/vulnerability/${id}` });
    results.push({
      ruleId: s.advisories[0],
      level: level(s.severity),
      message: { text: `${s.dist}: Requires-Dist ${s.requirement}: ${s.message}` },
      locations: [location(s.dist)],
      ...suppressed(s.ignored),
    });
  }
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'distseal audit', version, rules: [...rules.values()] } },
        results,
        ...(report.database ? { properties: { database: report.database } } : {}),
      },
    ],
  };
}
