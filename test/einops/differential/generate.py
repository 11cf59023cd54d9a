# Differential corpus generator: random einops calls (valid and invalid), recorded from Python
# einops on numpy in the format of ../shared/fixtures/einops/cases.json.
# Usage: PYTHONPATH=<einops checkout> python3 differential.py SEED COUNT OUT.json
import sys, json, random, warnings
import numpy as np
import einops
warnings.filterwarnings('ignore')
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
N = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
NAMES = ['a','b','c','d','e','f','g','h','i','j','k','xx','y1','zz_z']

def make_input(shape, dtype, k):
    n = int(np.prod(shape)) if shape else 1
    base = np.arange(n) + 1000 * k
    if dtype == 'bool':
        return ((base // 3) % 2 == 0).reshape(shape)
    return base.astype(dtype).reshape(shape)

def rand_side(names, allow_groups=True, ellipsis=False, anon=False, unit=False):
    items = []
    pool = list(names)
    rng.shuffle(pool)
    i = 0
    while i < len(pool):
        if allow_groups and rng.random() < 0.3 and i + 1 < len(pool):
            k = rng.randint(1, min(3, len(pool) - i))
            items.append('(' + ' '.join(pool[i:i+k]) + ')')
            i += k
        else:
            items.append(pool[i]); i += 1
    if ellipsis:
        pos = rng.randint(0, len(items))
        if allow_groups and rng.random() < 0.2 and items:
            j = rng.randrange(len(items))
            it = items[j]
            items[j] = ('(' + it.strip('()') + ' ...)') if rng.random() < 0.5 else ('(... ' + it.strip('()') + ')')
        else:
            items.insert(pos, '...')
    if unit and rng.random() < 0.5:
        items.insert(rng.randint(0, len(items)), rng.choice(['1', '()', '(1)']))
    if anon and rng.random() < 0.5:
        items.insert(rng.randint(0, len(items)), rng.choice(['2', '3', '(a 2)'.replace('a', rng.choice(NAMES))]))
    return ' '.join(items)

def mutate(p):
    ops = [lambda s: s.replace(' ', '', 1), lambda s: s + ' )', lambda s: '(' + s, lambda s: s.replace('->', '-> ->'),
           lambda s: s.replace('...', '..'), lambda s: s.replace('a', 'a_'), lambda s: s.replace('b', '_'),
           lambda s: s.replace('c', '0'), lambda s: s.replace('(', '((', 1), lambda s: s + ' ...',
           lambda s: s.replace('->', ','), lambda s: s.replace('d', 'd d'), lambda s: s.replace('a', '1a'),
           lambda s: s.replace(' ', '\t', 1), lambda s: s.replace('e', 'e.'), lambda s: s.replace('->', '')]
    return rng.choice(ops)(p)

def shape_for(side_groups_lens):
    return side_groups_lens

def case_transform(op, idx):
    n_axes = rng.randint(0, 5)
    names = rng.sample(NAMES, n_axes)
    lengths = {nm: rng.choice([1, 2, 3, 4]) for nm in names}
    ell = rng.random() < 0.35
    left = rand_side(names, ellipsis=ell, anon=(op != 'rearrange' and rng.random() < 0.3), unit=rng.random() < 0.2)
    right_names = list(names)
    if op == 'reduce':
        right_names = [n for n in names if rng.random() < 0.6]
    new_axes = []
    if op == 'repeat':
        new_axes = rng.sample([n for n in NAMES if n not in names], rng.randint(0, 2))
        right_names += new_axes
    right = rand_side(right_names, ellipsis=ell and rng.random() < 0.9, unit=rng.random() < 0.2, anon=(op == 'repeat' and rng.random() < 0.2))
    pattern = left + ' -> ' + right
    if rng.random() < 0.15:
        pattern = mutate(pattern)
    # shape from the left side
    try:
        lp = einops.parsing.ParsedExpression(left)
        shape = []
        for g in lp.composition:
            if g == '\u2026':
                shape += [rng.choice([1, 2, 3]) for _ in range(rng.randint(0, 3))]
            else:
                v = 1
                for ax in g:
                    v *= ax.value if isinstance(ax, einops.parsing.AnonymousAxis) else lengths.get(ax, 2)
                shape.append(v)
    except Exception:
        shape = [2, 3]
    if rng.random() < 0.1 and shape:
        shape[rng.randrange(len(shape))] += 1
    if rng.random() < 0.05 and shape:
        shape[rng.randrange(len(shape))] = 0
    given = {}
    for nm in names + new_axes:
        if (nm in new_axes) or rng.random() < 0.25:
            given[nm] = lengths.get(nm, rng.choice([1, 2, 3]))
    if rng.random() < 0.05:
        given[rng.choice(NAMES)] = 2
    dtype = rng.choice(['float32', 'float32', 'int32', 'bool'])
    reduction = rng.choice(['sum', 'mean', 'max', 'min', 'prod', 'any', 'all']) if op == 'reduce' else None
    list_input = rng.random() < 0.05
    inputs = [{'shape': shape, 'dtype': dtype}] * (rng.randint(1, 3) if list_input else 1)
    return dict(id=f'fuzz.{op}.{idx}', op=op, pattern=pattern, inputs=inputs, axes_lengths=given, reduction=reduction, list_input=list_input)

def case_einsum(idx):
    k = rng.randint(1, 3)
    names = rng.sample(NAMES, rng.randint(1, 5))
    lengths = {nm: rng.choice([1, 2, 3]) for nm in names}
    terms, shapes = [], []
    ell_rank = rng.randint(0, 2)
    for _ in range(k):
        t = [rng.choice(names) for _ in range(rng.randint(0, 3))]
        sh = [lengths[x] for x in t]
        if rng.random() < 0.25:
            pos = rng.randint(0, len(t)); r = rng.randint(0, ell_rank)
            t.insert(pos, '...'); sh[pos:pos] = [rng.choice([1, 2]) for _ in range(r)]
        terms.append(' '.join(t)); shapes.append(sh)
    used = sorted(set(x for t in terms for x in t.split() if x != '...'))
    out = [x for x in used if rng.random() < 0.5]
    rng.shuffle(out)
    if any('...' in t for t in terms) and rng.random() < 0.8:
        out.insert(rng.randint(0, len(out)), '...')
    pattern = ', '.join(terms) + ' -> ' + ' '.join(out)
    if rng.random() < 0.1:
        pattern = mutate(pattern)
    dtype = rng.choice(['float32', 'float32', 'int32'])
    return dict(id=f'fuzz.einsum.{idx}', op='einsum', pattern=pattern, inputs=[{'shape': s, 'dtype': dtype} for s in shapes], axes_lengths={})

def case_pack(idx):
    before = rng.randint(0, 2); after = rng.randint(0, 2)
    names = rng.sample(NAMES, before + after)
    pattern = ' '.join(names[:before] + ['*'] + names[before:])
    if rng.random() < 0.1: pattern = mutate(pattern)
    lens = [rng.choice([1, 2, 3]) for _ in names]
    inputs = []
    for _ in range(rng.randint(1, 3)):
        mid = [rng.choice([1, 2, 3, 0]) for _ in range(rng.randint(0, 2))]
        sh = lens[:before] + mid + lens[before:]
        inputs.append({'shape': sh, 'dtype': 'float32'})
    return dict(id=f'fuzz.pack.{idx}', op='pack', pattern=pattern, inputs=inputs, axes_lengths={})

def case_unpack(idx):
    before = rng.randint(0, 2); after = rng.randint(0, 2)
    names = rng.sample(NAMES, before + after)
    pattern = ' '.join(names[:before] + ['*'] + names[before:])
    if rng.random() < 0.1: pattern = mutate(pattern)
    L = rng.randint(0, 6)
    shape = [2] * before + [L] + [3] * after
    ps = []
    for _ in range(rng.randint(1, 3)):
        ps.append([rng.choice([-1, 0, 1, 2, 3]) for _ in range(rng.randint(0, 2))])
    return dict(id=f'fuzz.unpack.{idx}', op='unpack', pattern=pattern, inputs=[{'shape': shape, 'dtype': 'float32'}], axes_lengths={}, ps=ps)

def case_parse(idx):
    n = rng.randint(0, 4)
    shape = [rng.choice([1, 2, 3]) for _ in range(n)]
    items = [rng.choice(NAMES + ['_', '_', '1', '()', '2', '...', '(a b)', '(a)']) for _ in range(rng.randint(0, 4))]
    pattern = ' '.join(items)
    return dict(id=f'fuzz.parse.{idx}', op='parse_shape', pattern=pattern, inputs=[{'shape': shape, 'dtype': 'float32'}], axes_lengths={})

def run(c):
    ins = [make_input(s['shape'], s['dtype'], k) for k, s in enumerate(c['inputs'])]
    op = c['op']
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if op == 'rearrange': r = einops.rearrange(ins if c.get('list_input') else ins[0], c['pattern'], **c['axes_lengths'])
        elif op == 'reduce': r = einops.reduce(ins if c.get('list_input') else ins[0], c['pattern'], c['reduction'], **c['axes_lengths'])
        elif op == 'repeat': r = einops.repeat(ins if c.get('list_input') else ins[0], c['pattern'], **c['axes_lengths'])
        elif op == 'einsum': r = einops.einsum(*ins, c['pattern'])
        elif op == 'pack':
            r, ps = einops.pack(ins, c['pattern']); return tensor(r), {'ps': [list(map(int, p)) for p in ps]}
        elif op == 'unpack':
            # einops' quirk: a -1 inferred as negative gives overlapping slices; we raise (fixtures README)
            known = sum(int(np.prod(p)) for p in c['ps'] if -1 not in p)
            if any(-1 in p for p in c['ps']) and known > ins[0].shape[len(c['pattern'].split()[:c['pattern'].split().index('*')]) if '*' in c['pattern'].split() else 0]:
                raise ValueError('overlapping slices (einops quirk, rejected on purpose)')
            rs = einops.unpack(ins[0], [tuple(p) for p in c['ps']], c['pattern'])
            return None, {'outputs': [tensor(x) for x in rs]}
        elif op == 'parse_shape': return None, {'dict': {k: int(v) for k, v in einops.parse_shape(ins[0], c['pattern']).items()}}
    return tensor(r), {}

def tensor(r):
    r = np.asarray(r)
    dt = {'float64': 'float32', 'float32': 'float32', 'int64': 'int32', 'int32': 'int32', 'bool': 'bool'}[str(r.dtype)]
    vals = r.reshape(-1).tolist()
    if dt == 'float32':
        vals = [None if (isinstance(v, float) and v != v) else float(v) for v in vals]
    return {'shape': list(r.shape), 'dtype': dt, 'values': vals}

cases = []
gens = [lambda i: case_transform('rearrange', i), lambda i: case_transform('reduce', i), lambda i: case_transform('repeat', i), case_einsum, case_pack, case_unpack, case_parse]
for i in range(N):
    c = rng.choice(gens)(i)
    try:
        with np.errstate(all='ignore'):
            t, extra = run(c)
        exp = dict(t or {}); exp.update(extra)
        if t is None and 'outputs' not in extra and 'dict' not in extra: continue
        # skip int overflow (numpy widens to int64)
        # int32 results beyond 2**24: numpy widens to int64, and tfjs-webgpu accumulates int32 in float32
        if exp.get('dtype') == 'int32' and any(abs(v) > 2**24 for v in exp['values']): continue
        if exp.get('dtype') == 'float32' and any(v is not None and (v in (float('inf'), float('-inf')) or abs(v) > 3e38) for v in exp['values']): continue
        # mixed dtype cases where numpy widens: keep (our float32)
        c['expect'] = exp
    except Exception as e:
        c['expect'] = {'error': True, 'why': f'{type(e).__name__}: {str(e)[:200]}', 'py_exception': type(e).__name__}
    cases.append(c)
json.dump(cases, open(sys.argv[3] if len(sys.argv) > 3 else '/tmp/fuzz/cases.json', 'w'))
import collections
print(len(cases), collections.Counter((c['op'], bool(c['expect'].get('error'))) for c in cases))
