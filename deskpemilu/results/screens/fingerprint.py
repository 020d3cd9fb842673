"""The turnout / winner-share fingerprint (Klimek et al. 2012): a 2-D histogram and
the excess of TPS in its "100 %" corner."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from deskpemilu.results.checks import effective_known
from deskpemilu.results.screens.common import (
    ALPHA,
    CONSISTENT,
    CORNER,
    CORNER_MIN,
    DEVIATES,
    FINGERPRINT_BINS,
    FINGERPRINT_MIN_SAMPLE,
    INSUFFICIENT,
    ScreenResult,
    poisson_at_least,
)
from deskpemilu.results.sheets import Sheets

# Fingerprint: turnout against the winner's share (Klimek et al. 2012) --------------


@dataclass(frozen=True, kw_only=True)
class Fingerprint(ScreenResult):
    """The 2-D histogram of turnout (x) against the overall winner's share of the
    valid votes (y), `bins` x `bins` over [0, 1]; histogram[i, j] counts TPS with
    turnout in bin i and share in bin j. Turnout above 100 % is drawn in the last
    column and counted in `turnout_above_100`.

    The number it judges: TPS in the corner where turnout and the winner's share
    are both >= CORNER, against what independent turnout and share would put there
    (n x P(turnout >= CORNER) x P(share >= CORNER), from the data's own margins);
    ballot stuffing piles TPS into that corner together (Klimek's "100 %" cluster).
    """

    histogram: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), int))
    bins: int = FINGERPRINT_BINS
    winner: int | None = None  # ballot number of the overall winner
    turnout_above_100: int = 0
    corner_observed: int = 0
    corner_expected: float = 0.0


def turnout_and_winner_share(
    sheets: Sheets, use: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Per usable TPS: turnout (voters over DPT) and the overall winner's share of
    the candidate votes; the winner's ballot number."""
    use = np.ones(len(sheets), dtype=bool) if use is None else use
    known = effective_known(sheets)
    v = sheets.values
    dpt, users, total = (
        sheets.col(n) for n in ("dpt_total", "pengguna_hak_pilih_total", "suara_total")
    )
    cols = sheets.vote_cols
    votes = v[:, cols]
    vote_sum = votes.sum(1)
    ok = (
        use
        & known[:, dpt]
        & (v[:, dpt] > 0)
        & (known[:, users] | known[:, total])
        & known[:, cols].all(1)
        & (vote_sum > 0)
    )
    rows = np.nonzero(ok)[0]
    if not rows.size or votes.shape[1] == 0:
        return np.zeros(0), np.zeros(0), None
    winner = int(np.argmax(votes[rows].sum(0)))
    voted = np.where(known[rows, users], v[rows, users], v[rows, total])
    turnout = voted / v[rows, dpt]
    share = votes[rows, winner] / vote_sum[rows]
    return turnout, share, winner + 1


def fingerprint(
    sheets: Sheets, use: np.ndarray | None = None, bins: int = FINGERPRINT_BINS
) -> Fingerprint:
    turnout, share, winner = turnout_and_winner_share(sheets, use)
    hist, _, _ = np.histogram2d(
        np.clip(turnout, 0, 1), share, bins=bins, range=[[0, 1], [0, 1]]
    )
    n = len(turnout)
    corner = int(((turnout >= CORNER) & (share >= CORNER)).sum())
    expected = (
        float((turnout >= CORNER).mean() * (share >= CORNER).mean() * n) if n else 0.0
    )
    common = dict(
        screen="fingerprint",
        sample=n,
        min_sample=FINGERPRINT_MIN_SAMPLE,
        histogram=hist.astype(np.int64),
        bins=bins,
        winner=winner,
        turnout_above_100=int((turnout > 1).sum()),
        corner_observed=corner,
        corner_expected=expected,
    )
    if n < FINGERPRINT_MIN_SAMPLE:
        return Fingerprint(
            verdict=INSUFFICIENT,
            detail=f"hanya {n} TPS dengan data lengkap; perlu minimal "
            f"{FINGERPRINT_MIN_SAMPLE} untuk menyimpulkan",
            **common,
        )
    p = poisson_at_least(corner, expected)
    deviates = corner >= CORNER_MIN and p < ALPHA
    return Fingerprint(
        verdict=DEVIATES if deviates else CONSISTENT,
        statistic=float(corner),
        p_value=p,
        detail=f"{corner} TPS dengan partisipasi dan perolehan pemenang >= "
        f"{CORNER:.0%} (diharapkan {expected:.1f} bila keduanya saling lepas, "
        f"p = {p:.3g}) dari {n} TPS: "
        + ("menumpuk di pojok" if deviates else "tidak menumpuk di pojok"),
        **common,
    )
