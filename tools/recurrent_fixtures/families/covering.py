"""Pairwise covering: extra factors spread over the rows of a product so that every pair of values
appears, without multiplying the rows."""
import itertools


def covering_assignment(rng, rows, factors):
    """Assigns the values of extra factors to `rows` so that every pair of values, of an extra factor
    with a row column or with another extra factor, appears at least once."""
    combos = list(itertools.product(*factors))
    for _ in range(1000):
        order = list(range(len(rows)))
        rng.shuffle(order)
        assigned = [None] * len(rows)
        for i, row in enumerate(order):
            assigned[row] = combos[i % len(combos)]
        columns = list(zip(*rows)) + list(zip(*assigned))
        if all(len(set(zip(columns[a], columns[b]))) == len(set(columns[a])) * len(set(columns[b]))
               for a in range(len(columns)) for b in range(a + 1, len(columns))):
            return assigned
    raise AssertionError("no covering assignment found")
