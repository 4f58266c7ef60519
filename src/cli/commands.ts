/** The command table: one entry per src/cli/<name>.ts. Two-word commands are matched first. */
import type { Command } from './command.js';
import { corrCommand } from './corr.js';
import { extractCommand } from './extract.js';
import { statsMergeCommand } from './stats-merge.js';
import { synthCommand } from './synth.js';
import { rankCommand } from './rank.js';
import { doctorCommand } from './doctor.js';
import { clusterCommand } from './cluster.js';
import { probeCommand } from './probe.js';
import { evaluateCommand } from './evaluate.js';

export const commands: Command[] = [statsMergeCommand, synthCommand, corrCommand, extractCommand, clusterCommand, probeCommand, evaluateCommand, rankCommand, doctorCommand];
