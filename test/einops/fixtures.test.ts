/**
 * The einops conformance corpus (../shared/fixtures/einops/cases.json), recorded from Python einops,
 * on the backend chosen by VIT_TEST_BACKEND: exact shapes and dtypes, values within tolerance,
 * EinopsError for invalid calls, and no leaked tensors either way. VIT_EINOPS_CASES=file runs
 * another corpus in the same format instead.
 */
import { describeCorpus } from './corpus.js';
import { loadEinopsCases } from './fixture-cases.js';

describeCorpus('einops fixtures', loadEinopsCases());
