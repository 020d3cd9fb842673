"""A synthetic national Pilpres data set in the shape of the real one, with known
errors: the input of `deskpemilu bench results` (no ORM, no database).

`generate(folder, n_tps)` writes, deterministically for a seed:

- `hasil.csv`: one C.Hasil per TPS in the generic import layout (docs/results.md):
  `kode_tps, waktu_sumber`, every spec.FIELDS column, `suara_1..3`.
- `kebenaran.csv` (ground truth): `kode_tps, check, injected, field, value_read,
  true_value`, one row per flag the checks must raise: the injected error itself and
  what it implies (an inserted digit also breaks the sum of votes; a count above
  3,000 is also absurd).
- `wilayah_sintetis.csv`, `tps_sintetis.csv`: the national master outside Banten.

Master data. The database holds Banten's real 33,324 TPS (load_banten); the other 37
provinces get a synthetic tree with their real codes and names (from the Sirekap
per-province snapshot) and counts scaled to the national totals (38 provinces, 514
kab/kota, 7,277 kecamatan, 83,731 desa, 820,161 TPS). The benchmark loads it before
the import, so that the import validates every TPS code against the master as it
does for real files. Banten's TPS are the real codes (a seeded sample of them when
`n_tps` is below national scale).

Shape. TPS per province follow the Sirekap snapshot's votes over its progress (an
estimate of each province's voters); vote shares per province are the snapshot's,
normalised, varied per kecamatan and per TPS (Dirichlet) and drawn per TPS
(multinomial). DPT per TPS ~ N(250, 40) clipped to 50..300 (a regular TPS had at
most 300 voters); turnout ~ Beta, its mean calibrated so that the national valid
votes come close to the official 164,227,475 (scaled to `n_tps`); invalid votes
1-3 %; DPTb and DPK voters a few per TPS (Banten's official averages: ~2 and ~2.7);
ballots received = DPT + 2 % (rounded up); spoiled ballots a few. Every clean sheet
satisfies every identity and capacity rule of checks.py.

Injected errors, each on `error_rate` of the TPS (disjoint), each touching only what
its check looks at, so the ground truth is exact:

- `sum_mismatch`: one candidate's count off by 1..8 (a single-digit edit never
  changes a count by less than 9, so it cannot pass for a misread);
- `total_mismatch`: invalid votes off by 1..8;
- `voters_mismatch`: the who-voted block (DPT voters, by sex, and the total) off by
  1..8, consistently, so only `suara_total` vs `pengguna_hak_pilih_total` fails;
- `over_capacity`: a sheet whose every identity holds but whose voters exceed DPT +
  DPTb + DPK (everyone on the DPT voted, plus 1-3 DPTb voters not on the DPTb list);
- `likely_misread`: one candidate's count read with one digit inserted (a random
  digit or a doubled neighbour: 84 -> 884, 17 -> 177) or two neighbouring digits
  swapped (17 -> 71): exactly the two OCR errors checks.py claims to detect. A
  dropped or substituted digit is not injected, because the detector does not
  claim it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from deskpemilu.regions.codes import nodot
from deskpemilu.results.spec import FIELDS, Check

DATA = Path(__file__).resolve().parent.parent / "data" / "banten" / "results"
BY_PROVINCE = DATA / "sirekap_pilpres_by_province_20240307.csv"
BANTEN_TPS = DATA / "banten_tps_2024.csv"

NATIONAL_TPS = 820_161
NATIONAL = {"kabkota": 514, "kecamatan": 7_277, "desa": 83_731}
BANTEN = {"code": 36, "kabkota": 8, "kecamatan": 155, "desa": 1_552, "tps": 33_324}
OFFICIAL_VALID = 164_227_475  # KPU 360/2024
OFFICIAL_DPT = 204_807_222
N_CANDIDATES = 3
KOTA_SHARE = 98 / 514  # kota among kab/kota, nationally

DPT_MEAN, DPT_SD, DPT_MIN, DPT_MAX = 250, 40, 50, 300
TURNOUT_CONCENTRATION = 60.0  # Beta(a, b) with a + b = 60: sd ~ 0.05
KEC_SHARE_CONCENTRATION = 150.0  # Dirichlet around the province's shares
TPS_SHARE_CONCENTRATION = 80.0  # Dirichlet around the kecamatan's shares
INVALID_LOW, INVALID_HIGH = 0.01, 0.03
DPTB_VOTERS, DPK_VOTERS = 2.0, 2.7  # Poisson means (Banten: 65,097 and 89,659)
SPOILED = 0.6  # Poisson mean of spoiled ballots
MAX_SMALL_ERROR = 8  # < 9: no single-digit edit changes a count by less than 9
ABSURD = 3_000  # checks.MAX_COUNT

INJECTED = (
    Check.SUM_MISMATCH,
    Check.TOTAL_MISMATCH,
    Check.VOTERS_MISMATCH,
    Check.OVER_CAPACITY,
    Check.LIKELY_MISREAD,
)
COLUMNS = ("kode_tps", "waktu_sumber", *FIELDS) + tuple(
    f"suara_{i}" for i in range(1, N_CANDIDATES + 1)
)
TRUTH_COLUMNS = ("kode_tps", "check", "injected", "field", "value_read", "true_value")


@dataclass(frozen=True)
class Generated:
    results: Path
    truth: Path
    regions: Path
    tps: Path
    summary: dict[str, Any]


@dataclass(frozen=True)
class Province:
    code: int
    name: str
    weight: float  # estimated share of the nation's voters
    shares: np.ndarray  # vote shares of the candidates


def provinces() -> list[Province]:
    """The 38 provinces of the Sirekap snapshot (not abroad, not the total row)."""
    out = []
    with BY_PROVINCE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = int(row["kode_prov"])
            if code in (0, 99):
                continue
            votes = np.array(
                [float(row[k]) for k in row if k.startswith("suara_")], dtype=float
            )
            progress = float(row["progress_persen_tps"]) / 100
            out.append(
                Province(code, row["nama_prov_kpu"], votes.sum() / progress, votes)
            )
    total = sum(p.weight for p in out)
    return [
        Province(p.code, p.name, p.weight / total, p.shares / p.shares.sum())
        for p in out
    ]


def allocate(total: int, weights: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """`total` split by weight (largest remainder), every part at least `minimum`."""
    minimum = np.asarray(minimum, dtype=np.int64)
    rest = total - int(minimum.sum())
    if rest < 0:
        raise ValueError(f"{total} too small for the minimum {int(minimum.sum())}")
    exact = rest * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    short = rest - int(parts.sum())
    parts[np.argsort(-(exact - parts), kind="stable")[:short]] += 1
    return cast(np.ndarray, minimum + parts)


def split(rng: np.random.Generator, total: int, m: int, shape: float) -> np.ndarray:
    """`total` in `m` random parts of at least 1 (gamma-weighted multinomial)."""
    weights = rng.gamma(shape, size=m)
    return 1 + rng.multinomial(total - m, weights / weights.sum())


# Master ------------------------------------------------------------------------


@dataclass
class Master:
    tps_codes: np.ndarray  # int64, sorted, every TPS of the data set
    kec: np.ndarray  # int64, kecamatan code (6 digits) of each TPS
    province: np.ndarray  # int64, index into provinces() of each TPS
    regions: list[tuple[str, str, str, str, str, int, int, int]]
    synthetic_tps: np.ndarray  # int64, the TPS codes outside Banten


def _banten_tps(rng: np.random.Generator, n: int) -> np.ndarray:
    table = pcsv.read_csv(
        BANTEN_TPS,
        convert_options=pcsv.ConvertOptions(
            include_columns=["kode_tps"], column_types={"kode_tps": pa.int64()}
        ),
    )
    codes = np.sort(table.column(0).to_numpy())
    if n >= len(codes):
        return codes
    return np.sort(rng.choice(codes, size=n, replace=False))


def build_master(rng: np.random.Generator, n_tps: int, provs: list[Province]) -> Master:
    scale = n_tps / NATIONAL_TPS
    n_banten = min(BANTEN["tps"], max(1, round(BANTEN["tps"] * scale)))
    banten = _banten_tps(rng, n_banten)
    others = [p for p in provs if p.code != BANTEN["code"]]
    w = np.array([p.weight for p in others])
    m = len(others)
    n_kab = max(m, round((NATIONAL["kabkota"] - BANTEN["kabkota"]) * scale))
    n_kec = max(n_kab, round((NATIONAL["kecamatan"] - BANTEN["kecamatan"]) * scale))
    n_desa = max(n_kec, round((NATIONAL["desa"] - BANTEN["desa"]) * scale))
    n_other = n_tps - n_banten
    n_desa = min(n_desa, n_other)
    if n_other < n_desa or n_desa < n_kec:
        raise ValueError(f"n_tps {n_tps} too small: at least ~{4 * m} needed")
    # Kab/kota grow slower than voters (Papua has many small ones, Java few large).
    kab = allocate(n_kab, np.sqrt(w), np.ones(m))
    kec = allocate(n_kec, w, kab)
    desa = allocate(n_desa, w, kec)
    tps = allocate(n_other, w, desa)
    regions: list[tuple[str, str, str, str, str, int, int, int]] = []
    codes, kecs, prov_index = [], [], []
    index = {p.code: i for i, p in enumerate(provs)}
    for i, p in enumerate(others):
        pc = f"{p.code:02d}"
        prov_row = len(regions)
        regions.append(
            (pc, pc, "provinsi", "provinsi", p.name, int(kec[i]), int(desa[i]), 0)
        )
        kec_per_kab = split(rng, int(kec[i]), int(kab[i]), 8.0)
        desa_per_kec = split(rng, int(desa[i]), int(kec[i]), 4.0)
        tps_per_desa = split(rng, int(tps[i]), int(desa[i]), 2.0)
        n_kota = min(29, round(kab[i] * KOTA_SHARE))
        if kab[i] - n_kota > 69 or kec_per_kab.max() > 99:
            raise ValueError(f"province {pc}: too many areas for two-digit codes")
        k_at = d_at = 0
        prov_tps = 0
        for j, n_k in enumerate(kec_per_kab):
            kota = j >= kab[i] - n_kota
            number = 71 + j - (kab[i] - n_kota) if kota else j + 1
            kc = f"{pc}.{number:02d}"
            kind = "kota" if kota else "kabupaten"
            label = ("KOTA " if kota else "KAB. ") + f"SINTETIS {kc}"
            kab_desa = int(desa_per_kec[k_at : k_at + n_k].sum())
            kab_row = len(regions)
            regions.append((kc, nodot(kc), "kabkota", kind, label, n_k, 0, 0))
            kab_tps = 0
            for c in range(n_k):
                cc = f"{kc}.{c + 1:02d}"
                n_d = int(desa_per_kec[k_at])
                counts = tps_per_desa[d_at : d_at + n_d]
                regions.append(
                    (
                        cc,
                        nodot(cc),
                        "kecamatan",
                        "kecamatan",
                        f"KEC. SINTETIS {cc}",
                        0,
                        n_d,
                        int(counts.sum()),
                    )
                )
                base = 1001 if kota else 2001
                for d in range(n_d):
                    dc = f"{cc}.{base + d}"
                    desa_nodot = nodot(dc)
                    n_t = int(counts[d])
                    regions.append(
                        (
                            dc,
                            desa_nodot,
                            "desa",
                            "kelurahan" if kota else "desa",
                            "",
                            0,
                            0,
                            n_t,
                        )
                    )
                    first = int(desa_nodot) * 1000
                    codes.append(np.arange(first + 1, first + n_t + 1, dtype=np.int64))
                    kecs.append(np.full(n_t, int(nodot(cc)), dtype=np.int64))
                kab_tps += int(counts.sum())
                k_at += 1
                d_at += n_d
            regions[kab_row] = regions[kab_row][:6] + (kab_desa, kab_tps)
            prov_tps += kab_tps
        regions[prov_row] = regions[prov_row][:7] + (prov_tps,)
        prov_index.append(np.full(prov_tps, index[p.code], dtype=np.int64))
    synthetic = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    all_codes = np.concatenate([banten, synthetic])
    all_kec = np.concatenate([banten // 10**7, np.concatenate(kecs)])
    all_prov = np.concatenate(
        [np.full(len(banten), index[BANTEN["code"]], dtype=np.int64), *prov_index]
    )
    order = np.argsort(all_codes, kind="stable")
    return Master(all_codes[order], all_kec[order], all_prov[order], regions, synthetic)


# Sheets ------------------------------------------------------------------------


def _dirichlet(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    g = rng.gamma(np.maximum(alpha, 1e-3))
    return cast(np.ndarray, g / g.sum(axis=1, keepdims=True))


def clean_sheets(
    rng: np.random.Generator, master: Master, provs: list[Province]
) -> dict[str, np.ndarray]:
    """Consistent C.Hasil numbers for every TPS of the master (columns by name)."""
    n = len(master.tps_codes)
    shares = np.array([p.shares for p in provs])
    kec_codes, kec_of = np.unique(master.kec, return_inverse=True)
    kec_prov = np.zeros(len(kec_codes), dtype=np.int64)
    kec_prov[kec_of] = master.province
    kec_share = _dirichlet(rng, shares[kec_prov] * KEC_SHARE_CONCENTRATION)
    tps_share = _dirichlet(rng, kec_share[kec_of] * TPS_SHARE_CONCENTRATION)

    dpt = np.clip(np.rint(rng.normal(DPT_MEAN, DPT_SD, n)), DPT_MIN, DPT_MAX)
    dpt = dpt.astype(np.int64)
    dpt_laki = rng.binomial(dpt, 0.502)
    invalid_rate = rng.uniform(INVALID_LOW, INVALID_HIGH, n)
    extras = DPTB_VOTERS + DPK_VOTERS
    target_valid = OFFICIAL_VALID * n / NATIONAL_TPS
    mean_valid_share = 1 - (INVALID_LOW + INVALID_HIGH) / 2
    mean = (target_valid / mean_valid_share - n * extras) / dpt.sum()
    mean = float(np.clip(mean, 0.5, 0.95))
    turnout = rng.beta(
        mean * TURNOUT_CONCENTRATION, (1 - mean) * TURNOUT_CONCENTRATION, n
    )
    users_dpt = rng.binomial(dpt, turnout)
    users_dpt_laki = rng.hypergeometric(dpt_laki, dpt - dpt_laki, users_dpt)
    cap = dpt * 102 // 100  # suara_total <= DPT x 1.02
    users_dpk = np.minimum(rng.poisson(DPK_VOTERS, n), cap - users_dpt)
    users_dptb = np.minimum(rng.poisson(DPTB_VOTERS, n), cap - users_dpt - users_dpk)
    dptb = users_dptb + rng.poisson(0.3, n)  # some on the DPTb did not come
    dpk = users_dpk  # the DPK is written as its voters come
    users = users_dpt + users_dptb + users_dpk
    received = dpt - (-dpt * 2 // 100)  # DPT + 2 %, rounded up
    spoiled = np.minimum(rng.poisson(SPOILED, n), received - users)
    invalid = rng.binomial(users, invalid_rate)
    valid = users - invalid
    votes = rng.multinomial(valid, tps_share)
    cols = {
        "dpt_laki": dpt_laki,
        "dpt_perempuan": dpt - dpt_laki,
        "dpt_total": dpt,
        "dptb_total": dptb,
        "dpk_total": dpk,
        "pengguna_dpt_laki": users_dpt_laki,
        "pengguna_dpt_perempuan": users_dpt - users_dpt_laki,
        "pengguna_dpt_total": users_dpt,
        "pengguna_dptb_total": users_dptb,
        "pengguna_dpk_total": users_dpk,
        "pengguna_hak_pilih_total": users,
        "surat_diterima": received,
        "surat_digunakan": users.copy(),
        "surat_rusak": spoiled,
        "surat_sisa": received - users - spoiled,
        "suara_sah": valid,
        "suara_tidak_sah": invalid,
        "suara_total": users.copy(),
    }
    for j in range(N_CANDIDATES):
        cols[f"suara_{j + 1}"] = votes[:, j].astype(np.int64)
    cols = {k: np.asarray(v, dtype=np.int64) for k, v in cols.items()}
    return cols | {"_tps_share": tps_share, "_invalid_rate": invalid_rate}


# Errors ------------------------------------------------------------------------

# A row of the ground truth: TPS code, check, what was injected, field, the value
# read and the true one.
Truth = tuple[int, str, str, str, int | str, int | str]


def _small(rng: np.random.Generator, size: int) -> np.ndarray:
    return cast(
        np.ndarray,
        rng.integers(1, MAX_SMALL_ERROR + 1, size) * rng.choice([-1, 1], size),
    )


def misread(rng: np.random.Generator, value: int) -> tuple[int, str]:
    """The value with one digit inserted or two neighbouring digits swapped."""
    text = str(value)
    swaps = [
        p
        for p in range(len(text) - 1)
        if text[p] != text[p + 1] and not (p == 0 and text[1] == "0")
    ]
    if swaps and rng.random() < 0.3:
        p = int(rng.choice(swaps))
        return int(text[:p] + text[p + 1] + text[p] + text[p + 2 :]), "swap"
    while True:
        pos = int(rng.integers(0, len(text) + 1))
        if rng.random() < 0.5:  # a doubled digit, as 84 -> 884
            digit = text[min(pos, len(text) - 1)]
        else:
            digit = str(int(rng.integers(0, 10)))
        read = text[:pos] + digit + text[pos:]
        if read[0] != "0" and int(read) != value:
            return int(read), "insert"


def inject(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    codes: np.ndarray,
    rate: float,
) -> list[Truth]:
    """Change the sheets of disjoint TPS samples in place; the ground truth rows."""
    n = len(codes)
    per_kind = int(round(n * rate))
    order = rng.permutation(n)
    truth: list[Truth] = []

    def rows(k: int) -> np.ndarray:
        return np.sort(order[k * per_kind : (k + 1) * per_kind])

    def note(
        r: int,
        check: str,
        kind: str,
        field: str = "",
        read: int | str = "",
        true: int | str = "",
    ) -> None:
        truth.append((int(codes[r]), check, kind, field, read, true))

    # sum_mismatch: one candidate's count off by a little.
    r = rows(0)
    cand = rng.integers(0, N_CANDIDATES, len(r))
    delta = _small(rng, len(r))
    for i, c, d in zip(r, cand, delta, strict=True):
        name = f"suara_{c + 1}"
        d = abs(d) if cols[name][i] < MAX_SMALL_ERROR else d
        cols[name][i] += d
        note(i, Check.SUM_MISMATCH, Check.SUM_MISMATCH, name, cols[name][i], "")
    # total_mismatch: invalid votes off by a little.
    r = rows(1)
    delta = _small(rng, len(r))
    delta = np.where(cols["suara_tidak_sah"][r] < MAX_SMALL_ERROR, abs(delta), delta)
    cols["suara_tidak_sah"][r] += delta
    for i in r:
        note(i, Check.TOTAL_MISMATCH, Check.TOTAL_MISMATCH, "suara_tidak_sah")
    # voters_mismatch: the who-voted block off by a little, consistently.
    r = rows(2)
    delta = _small(rng, len(r))
    room = (
        cols["dpt_total"][r]
        + cols["dptb_total"][r]
        + cols["dpk_total"][r]
        - cols["pengguna_hak_pilih_total"][r]
    )
    delta = np.where(delta > room, -abs(delta), delta)  # stay within capacity
    laki = cols["pengguna_dpt_laki"][r] >= cols["pengguna_dpt_perempuan"][r]
    cols["pengguna_dpt_laki"][r] += np.where(laki, delta, 0)
    cols["pengguna_dpt_perempuan"][r] += np.where(laki, 0, delta)
    for name in ("pengguna_dpt_total", "pengguna_hak_pilih_total"):
        cols[name][r] += delta
    for i in r:
        note(
            i, Check.VOTERS_MISMATCH, Check.VOTERS_MISMATCH, "pengguna_hak_pilih_total"
        )
    # over_capacity: consistent, but more voters than on the lists.
    r = rows(3)
    dpt = cols["dpt_total"][r]
    extra = np.minimum(rng.integers(1, 4, len(r)), -(-dpt * 2 // 100))
    users = dpt + extra
    invalid = rng.binomial(users, cols["_invalid_rate"][r])
    votes = rng.multinomial(users - invalid, cols["_tps_share"][r])
    updates = {
        "dptb_total": 0,
        "dpk_total": 0,
        "pengguna_dpt_laki": cols["dpt_laki"][r],
        "pengguna_dpt_perempuan": cols["dpt_perempuan"][r],
        "pengguna_dpt_total": dpt,
        "pengguna_dptb_total": extra,
        "pengguna_dpk_total": 0,
        "pengguna_hak_pilih_total": users,
        "surat_digunakan": users,
        "surat_rusak": 0,
        "surat_sisa": cols["surat_diterima"][r] - users,
        "suara_sah": users - invalid,
        "suara_tidak_sah": invalid,
        "suara_total": users,
    }
    for j in range(N_CANDIDATES):
        updates[f"suara_{j + 1}"] = votes[:, j]
    for name, value in updates.items():
        cols[name][r] = value
    for i in r:
        note(i, Check.OVER_CAPACITY, Check.OVER_CAPACITY, "pengguna_hak_pilih_total")
    # likely_misread: one candidate's count with a typical OCR error.
    r = rows(4)
    cand = rng.integers(0, N_CANDIDATES, len(r))
    for i, c in zip(r, cand, strict=True):
        name = f"suara_{c + 1}"
        true = int(cols[name][i])
        read, kind = misread(rng, true)
        cols[name][i] = read
        note(i, Check.LIKELY_MISREAD, f"misread_{kind}", name, read, true)
        note(i, Check.SUM_MISMATCH, f"misread_{kind}", name, read, true)
        if read > ABSURD:
            note(i, Check.ABSURD_COUNT, f"misread_{kind}", name, read, true)
    truth.sort()
    return truth


# Files -------------------------------------------------------------------------


def _timestamps(rng: np.random.Generator, n: int) -> pa.Array:
    """Sirekap-like times (WIB): a few thousand distinct update moments."""
    start = np.datetime64("2024-02-14T16:00:00")
    pool = start + np.sort(rng.integers(0, 22 * 86400, 4000)).astype("timedelta64[s]")
    text = np.char.replace(np.datetime_as_string(pool, unit="s"), "T", " ")
    return pa.array(text[rng.integers(0, len(pool), n)])


def _write_csv(path: Path, table: pa.Table) -> None:
    """Plain CSV: an unquoted header, then numbers and codes (nothing to quote)."""
    with path.open("wb") as handle:
        handle.write((",".join(table.column_names) + "\n").encode())
        pcsv.write_csv(
            table,
            handle,
            write_options=pcsv.WriteOptions(
                include_header=False, quoting_style="none", batch_size=65536
            ),
        )


def generate(
    folder: Path,
    n_tps: int = NATIONAL_TPS,
    *,
    seed: int = 20240214,
    error_rate: float = 0.005,
) -> Generated:
    """Write the data set into `folder` (see the module's docstring)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    provs = provinces()
    master = build_master(rng, n_tps, provs)
    cols = clean_sheets(rng, master, provs)
    truth = inject(rng, cols, master.tps_codes, error_rate)
    data = {"kode_tps": pa.array(master.tps_codes)}
    data["waktu_sumber"] = _timestamps(rng, len(master.tps_codes))
    for name in COLUMNS[2:]:
        data[name] = pa.array(cols[name])
    results = folder / "hasil.csv"
    _write_csv(results, pa.table(data))

    truth_path = folder / "kebenaran.csv"
    with truth_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TRUTH_COLUMNS)
        for tps_code, *rest in truth:
            writer.writerow([f"{tps_code:013d}", *rest])

    regions_path = folder / "wilayah_sintetis.csv"
    with regions_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ("kode", "kode_nodot", "level", "tipe", "nama", "kecamatan_count")
            + ("desa_count", "tps_count")
        )
        for code, nodot, level, kind, name, kec, desa, tps in master.regions:
            if level == "desa":
                name = f"DESA SINTETIS {code}"
            writer.writerow((code, nodot, level, kind, name, kec, desa, tps))
    tps_path = folder / "tps_sintetis.csv"
    synthetic = master.synthetic_tps
    _write_csv(
        tps_path,
        pa.table(
            {
                "kode_tps": pa.array(synthetic),
                "kode_desa": pa.array(synthetic // 1000),
                "no_tps": pa.array(synthetic % 1000),
            }
        ),
    )
    levels = [r[2] for r in master.regions]
    summary = {
        "seed": seed,
        "tps": int(len(master.tps_codes)),
        "tps_banten_real": int(len(master.tps_codes) - len(synthetic)),
        "provinsi": 1 + levels.count("provinsi"),
        "kabkota": BANTEN["kabkota"] + levels.count("kabkota"),
        "kecamatan": BANTEN["kecamatan"] + levels.count("kecamatan"),
        "desa": BANTEN["desa"] + levels.count("desa"),
        "dpt": int(cols["dpt_total"].sum()),
        "suara_sah": int(cols["suara_sah"].sum()),
        "votes": [int(cols[f"suara_{j + 1}"].sum()) for j in range(N_CANDIDATES)],
        "official_suara_sah_scaled": round(OFFICIAL_VALID * n_tps / NATIONAL_TPS),
        "official_dpt_scaled": round(OFFICIAL_DPT * n_tps / NATIONAL_TPS),
        "error_rate": error_rate,
        "injected": {
            kind: sum(
                1
                for t in truth
                if t[1] == kind and (t[2] == kind or kind == Check.LIKELY_MISREAD)
            )
            for kind in INJECTED
        },
        "truth_rows": len(truth),
    }
    (folder / "ringkasan.json").write_text(json.dumps(summary, indent=2))
    return Generated(results, truth_path, regions_path, tps_path, summary)
