/** Activation extraction from ONNX code models, with Python token and statement labels. */
export { extractActivations } from './extract.js';
export type { Aggregation, ExtractOptions, ExtractProgress, ExtractSummary, SentenceRepresentation, TaskSummary } from './extract.js';
export { loadModel, resolveModelFiles } from './model.js';
export type { ColumnBlock, LayerSet, LoadedModel } from './model.js';
export { tokenizePython, PythonTokenizeError, PYTHON_KEYWORDS } from './python-tokenize.js';
export type { PyToken, PyTokenType } from './python-tokenize.js';
export { alignTokens, TOKEN_LABELS } from './labels.js';
export type { Alignment, Statement, TokenLabel } from './labels.js';
export { classifyStatement, STATEMENT_LABELS } from './statements.js';
export type { StatementLabel } from './statements.js';
export { SubwordTokenizer } from './tokenizer.js';
export type { SubwordEncoding, SpecialIds } from './tokenizer.js';
export { planWindows } from './windows.js';
export type { WindowPlan } from './windows.js';
export { balancedSplits } from './splits.js';
export type { SplitResult, SplitSizes } from './splits.js';
export type { OutputDtype } from './row-writer.js';
