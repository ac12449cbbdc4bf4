#!/usr/bin/env node
/*
 * 目录 ID 生成器 / Catalog id generator.
 *
 * Ids in the catalog are UUID v5 (RFC 9562 §5.5: SHA-1, name-based) derived from stable codes, so
 * the same code always gets the same id in every environment and every database. They are computed
 * here, once, and written into the JSON; nothing at runtime generates ids.
 *
 *   namespace  e621d58a-a659-4d8e-80fd-d1a2d3e45aa8   (CHUISHAO_CATALOG_NAMESPACE, fixed forever)
 *   name       department:<DEPARTMENT_CODE>            e.g. department:FIRE_RESCUE
 *              street:<STREET_CODE>                    e.g. street:QUANYECHANG
 *              community:<STREET_CODE>:<COMMUNITY_CODE> e.g. community:QUANYECHANG:JINGYUAN
 *
 * Usage:
 *   node libs/catalog/tools/generate-ids.js [catalog.json]          rewrite the file in place
 *   node libs/catalog/tools/generate-ids.js --check [catalog.json]  exit 1 if anything would change
 *
 * Authoring help: in situations, `leadDepartment` and `assistDepartments` may be written as
 * department CODES (e.g. "FIRE_RESCUE"); this script replaces them with the department ids.
 * Existing ids are resolved back through their department, so re-running is idempotent.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const CHUISHAO_CATALOG_NAMESPACE = 'e621d58a-a659-4d8e-80fd-d1a2d3e45aa8';

function uuidV5(name, namespace = CHUISHAO_CATALOG_NAMESPACE) {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`bad namespace ${namespace}`);
  const hash = crypto.createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50; // version 5
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const departmentId = (code) => uuidV5(`department:${code}`);
const streetId = (code) => uuidV5(`street:${code}`);
const communityId = (streetCode, code) => uuidV5(`community:${streetCode}:${code}`);

function generate(catalog) {
  const problems = [];
  const byCode = new Map();
  const byId = new Map();
  const departments = catalog.departments.map((d) => {
    const id = departmentId(d.code);
    byCode.set(d.code, id);
    byId.set(id, id);
    if (d.id) byId.set(d.id, id); // an old id keeps resolving to the (re)derived one
    return { id, code: d.code, name: d.name, nameEn: d.nameEn };
  });
  const resolve = (ref, where) => {
    const id = byCode.get(ref) ?? byId.get(ref);
    if (!id) problems.push(`${where}: unknown department ${JSON.stringify(ref)}`);
    return id ?? ref;
  };
  const situations = catalog.situations.map((s) => ({
    code: s.code,
    area: s.area,
    name: s.name,
    nameEn: s.nameEn,
    defaultLevel: s.defaultLevel,
    leadDepartment: resolve(s.leadDepartment, `situation ${s.code} lead`),
    assistDepartments: (s.assistDepartments ?? []).map((a) => resolve(a, `situation ${s.code} assist`)),
  }));
  const streets = catalog.streets.map((st) => ({
    id: streetId(st.code),
    code: st.code,
    name: st.name,
    nameEn: st.nameEn,
    communities: st.communities.map((c) => ({ id: communityId(st.code, c.code), code: c.code, name: c.name })),
  }));
  return {
    problems,
    catalog: { version: catalog.version, areas: catalog.areas, situations, departments, streets },
  };
}

function main(argv) {
  const check = argv.includes('--check');
  const fileArg = argv.find((a) => !a.startsWith('--'));
  const file = path.resolve(fileArg ?? path.join(__dirname, '..', 'src', 'data', 'catalog.v1.json'));
  const before = fs.readFileSync(file, 'utf8');
  const { problems, catalog } = generate(JSON.parse(before));
  if (problems.length > 0) {
    process.stderr.write(`generate-ids: ${problems.length} problem(s):\n- ${problems.join('\n- ')}\n`);
    return 1;
  }
  const after = `${JSON.stringify(catalog, null, 2)}\n`;
  if (check) {
    if (after !== before) {
      process.stderr.write(`generate-ids: ${file} is not up to date; run without --check\n`);
      return 1;
    }
    process.stdout.write(`generate-ids: ${file} is up to date\n`);
    return 0;
  }
  if (after !== before) fs.writeFileSync(file, after);
  process.stdout.write(
    `generate-ids: ${file}: ${catalog.departments.length} departments, ${catalog.situations.length} situations, ` +
      `${catalog.streets.length} streets, ${catalog.streets.reduce((n, s) => n + s.communities.length, 0)} communities` +
      `${after === before ? ' (unchanged)' : ' (written)'}\n`,
  );
  return 0;
}

module.exports = { CHUISHAO_CATALOG_NAMESPACE, uuidV5, departmentId, streetId, communityId, generate };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
