#!/usr/bin/env node
/**
 * Checks that an addon binary runs on any x86-64 CPU: outside the runtime-dispatched kernels (the functions that
 * native/src/**\/*_avx2.cc and *_avx512.cc define), no instruction beyond the x86-64 baseline (SSE2) may appear.
 * What it catches besides a stray -march=native: an inline function or template that the ISA kernels and baseline
 * code both instantiate is emitted twice (a weak symbol), and the linker may keep the copy compiled with -mavx512f;
 * baseline code then calls AVX-512 instructions on a CPU without them. Such a symbol is allowed only when no
 * baseline object defines it too.
 *
 *   node scripts/check-portable.mjs <unstripped .node> <CMake object dir of ns_objects> [build.ninja]
 *
 * Needs binutils (objdump, nm): the build machine has them. Exit 1 with every offending function listed.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [binary, objectDir, ninjaFile] = process.argv.slice(2);
if (!binary || !objectDir) {
  console.error('usage: node scripts/check-portable.mjs <unstripped .node> <object dir> [build.ninja]');
  process.exit(2);
}

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });

function objects(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...objects(p));
    else if (name.endsWith('.o')) out.push(p);
  }
  return out;
}

/** symbol → type letters, for the text symbols an object defines (nm: T/t strong, W/w weak, V/v/u unique/weak objects). */
function textSymbols(file) {
  const m = new Map();
  for (const line of run('nm', ['--defined-only', file]).split('\n')) {
    const f = /^[0-9a-f]+ ([TtWwVvu]) (\S+)$/.exec(line);
    if (f) m.set(f[2], f[1]);
  }
  return m;
}

const all = objects(objectDir);
const isa = all.filter((f) => /_avx(2|512)\.cc\.o$/.test(f));
if (isa.length === 0) {
  console.error(`check-portable: no *_avx2/*_avx512 objects under ${objectDir}: wrong directory?`);
  process.exit(2);
}
const baselineDefined = new Set();
for (const f of all) if (!isa.includes(f)) for (const s of textSymbols(f).keys()) baselineDefined.add(s);
const allowed = new Set();
for (const f of isa) {
  for (const [s, t] of textSymbols(f)) {
    if (t === 'T' || t === 't' || !baselineDefined.has(s)) allowed.add(s);
  }
}

// Beyond SSE2: every VEX/EVEX instruction (mnemonics starting with v, bar verr/verw), ymm/zmm/mask registers, and the
// SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, LZCNT, BMI1/2, MOVBE, ADX and SHA mnemonics (legacy-encoded). Not tzcnt:
// GCC's baseline __builtin_ctz is `rep bsf`, which objdump decodes as tzcnt and which runs as bsf on older CPUs.
const LEGACY = new Set(
  `addsubps addsubpd haddps haddpd hsubps hsubpd lddqu movddup movshdup movsldup fisttp
   pabsb pabsw pabsd palignr phaddw phaddd phaddsw phsubw phsubd phsubsw pmaddubsw pmulhrsw pshufb psignb psignw psignd
   blendps blendpd blendvps blendvpd dpps dppd extractps insertps movntdqa mpsadbw packusdw pblendvb pblendw pcmpeqq
   pextrb pextrd pextrq phminposuw pinsrb pinsrd pinsrq pmaxsb pmaxsd pmaxud pmaxuw pminsb pminsd pminud pminuw
   pmovsxbw pmovsxbd pmovsxbq pmovsxwd pmovsxwq pmovsxdq pmovzxbw pmovzxbd pmovzxbq pmovzxwd pmovzxwq pmovzxdq
   pmuldq pmulld ptest roundps roundpd roundss roundsd
   pcmpestri pcmpestrm pcmpistri pcmpistrm pcmpgtq crc32 crc32b crc32w crc32l crc32q
   popcnt lzcnt andn bextr blsi blsmsk blsr bzhi mulx pdep pext rorx sarx shlx shrx movbe adcx adox
   sha1rnds4 sha1nexte sha1msg1 sha1msg2 sha256rnds2 sha256msg1 sha256msg2`.split(/\s+/),
);
const PREFIXES = new Set(['lock', 'rep', 'repz', 'repe', 'repnz', 'repne', 'notrack', 'bnd', 'data16', 'addr32', 'cs', 'ds', 'es', 'ss', 'fs', 'gs']);

function beyondBaseline(mnemonic, operands) {
  if (/^v/.test(mnemonic) && !/^ver[rw]$/.test(mnemonic)) return true;
  if (/%[yz]mm\d|%k[0-7]\b/.test(operands)) return true;
  // objdump may add an AT&T size suffix (popcntl, andnq); the SSE forms above carry none.
  return LEGACY.has(mnemonic) || LEGACY.has(mnemonic.replace(/[lqw]$/, ''));
}

const offending = new Map(); // function → first instruction
let fn = '';
let functions = 0;
let dispatched = 0;
const usedIsa = new Set();
for (const line of run('objdump', ['-d', '--no-show-raw-insn', binary]).split('\n')) {
  const head = /^[0-9a-f]+ <(.+)>:$/.exec(line);
  if (head) {
    fn = head[1];
    functions++;
    if (allowed.has(fn)) dispatched++;
    continue;
  }
  const ins = /^\s+[0-9a-f]+:\s+(.*)$/.exec(line);
  if (!ins || !fn) continue;
  const words = ins[1].trim().split(/\s+/);
  while (words.length > 1 && (PREFIXES.has(words[0]) || /^rex/.test(words[0]))) words.shift();
  const [mnemonic = '', ...rest] = words;
  if (!beyondBaseline(mnemonic, rest.join(' '))) continue;
  if (allowed.has(fn)) usedIsa.add(fn);
  else if (!offending.has(fn)) offending.set(fn, ins[1].trim());
}

let flagsBad = [];
if (ninjaFile) {
  flagsBad = readFileSync(ninjaFile, 'utf8')
    .split('\n')
    .filter((l) => /-march=native|-mtune=native|-mnative/.test(l));
}

console.log(`check-portable: ${binary}: ${functions} functions; ${dispatched} are the dispatched ISA kernels (${usedIsa.size} of them use AVX2/AVX-512); ${offending.size} others go beyond x86-64 SSE2`);
if (offending.size > 0) {
  for (const [f, i] of offending) console.error(`  ${f}: ${i}`);
  console.error('check-portable: these functions would crash (SIGILL) on an x86-64 CPU without the instructions above');
}
if (flagsBad.length > 0) console.error(`check-portable: ${ninjaFile} compiles with -march=native:\n  ${flagsBad.slice(0, 3).join('\n  ')}`);
if (usedIsa.size === 0) {
  // The kernels exist to use AVX: none doing so means the allow-list or the parse is wrong, not that all is well.
  console.error('check-portable: no dispatched kernel uses AVX at all: the check is not seeing what it should');
  process.exit(1);
}
process.exit(offending.size > 0 || flagsBad.length > 0 ? 1 : 0);
