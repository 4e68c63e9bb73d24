"""The partnership's agencies, their staff and who each agency is working with (involvements)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._util import Arr, add_years, choice_index, group_starts, take_or
from .casework import PersonJustice, Registers
from .justice import K_COMMUNITY, K_CUSTODY, K_SUSPENDED, Sentences
from .names import name_pools
from .population import COMMUNITY_ORDER, IN_CUSTODY, ON_LICENCE, SUSPENDED_ORDER, Population
from .vocab import AGENCY_KINDS, REGISTER_KINDS

# (agency_code, name, kind, district_code)
AGENCIES: tuple[tuple[str, str, str, str | None], ...] = (
    ("probation", "Kent, Surrey and Sussex Probation Region — Kent PDUs", "probation", None),
    ("police", "Kent Police", "police", None),
    ("prison_elmley", "HMP Elmley", "prison", "SWA"),
    ("prison_swaleside", "HMP Swaleside", "prison", "SWA"),
    ("prison_rochester", "HMP/YOI Rochester", "prison", "MED"),
    ("prison_maidstone", "HMP Maidstone", "prison", "MAI"),
    ("prison_east_sutton_park", "HMP/YOI East Sutton Park", "prison", "MAI"),
    ("council_community_safety", "Kent Community Safety Partnership", "council_community_safety", None),
    ("housing", "Kent and Medway Councils Housing Options", "housing", None),
    ("social_care", "Kent County Council Children's Social Care", "social_care", None),
    ("health", "NHS Kent and Medway", "health", None),
    ("treatment", "Forward Trust / Change Grow Live treatment", "treatment", None),
    ("job_centre", "Jobcentre Plus Kent", "job_centre", None),
    ("youth_justice", "Kent Youth Justice Service", "youth_justice", None),
    ("fire", "Kent Fire and Rescue Service", "fire", None),
    ("voluntary", "Kent and Medway Voluntary Sector Resettlement Alliance", "voluntary", None),
)
AGENCY_CODES: tuple[str, ...] = tuple(a[0] for a in AGENCIES)
A = {code: i for i, code in enumerate(AGENCY_CODES)}
# Cases per practitioner: probation about 42 (40-45 a head), IOM officers far fewer.
CASELOAD: dict[str, int] = {
    "probation": 44,
    "police": 25,
    "prison": 40,
    "council_community_safety": 40,
    "housing": 45,
    "social_care": 18,
    "health": 60,
    "treatment": 45,
    "job_centre": 80,
    "youth_justice": 12,
    "fire": 30,
    "voluntary": 25,
}

REASONS: tuple[str, ...] = (
    "Custody case management (pre-release)",  # 0
    "Licence supervision",  # 1
    "Post-sentence supervision",  # 2
    "Community order supervision",  # 3
    "Suspended sentence order supervision",  # 4
    "Sentenced prisoner",  # 5
    "Offender — criminal investigation",  # 6
    "IOM nominal",  # 7
    "Registered sex offender management",  # 8
    "Domestic abuse perpetrator — MARAC",  # 9
    "Gangs and county lines",  # 10
    "Referral order",  # 11
    "Youth rehabilitation order",  # 12
    "Youth caution — out of court disposal",  # 13
    "Tenancy support",  # 14
    "Homelessness prevention",  # 15
    "Temporary accommodation",  # 16
    "Housing register application",  # 17
    "Accommodation on release (duty to refer)",  # 18
    "Child in need plan",  # 19
    "Child protection plan",  # 20
    "Early help",  # 21
    "Looked after child",  # 22
    "Parent or carer — children's services plan",  # 23
    "Community mental health team",  # 24
    "Liaison and diversion",  # 25
    "Talking therapies",  # 26
    "GP — long-term condition review",  # 27
    "Child and adolescent mental health services",  # 28
    "Health visiting",  # 29
    "Opiate substitution treatment",  # 30
    "Non-opiate drug treatment",  # 31
    "Alcohol treatment",  # 32
    "Drug rehabilitation requirement (DRR) treatment",  # 33
    "Universal Credit — intensive work search",  # 34
    "Restart scheme",  # 35
    "Prison work coach — release claim",  # 36
    "Work capability assessment",  # 37
    "ASB case management",  # 38
    "Community protection notice",  # 39
    "Safe and well visit",  # 40
    "Fire-setter intervention",  # 41
    "Resettlement mentoring",  # 42
    "Women's centre support",  # 43
    "Family support",  # 44
)


@dataclass
class Involvements:
    """Involvement rows; ``end`` is -1 while open, ``worker`` -1 where none is recorded."""

    person: Arr
    agency: Arr
    reason: Arr
    start: Arr
    end: Arr
    worker: Arr


@dataclass
class Workers:
    """Staff of every agency."""

    agency: Arr
    role: Arr  # index into vocab.WORKER_ROLES
    sex: Arr
    first: Arr
    last: Arr


class _Rows:
    def __init__(self) -> None:
        self.parts: list[tuple[Arr, Arr, Arr, Arr, Arr]] = []

    def add(self, person: Arr, agency: Arr | int, reason: Arr | int, start: Arr, end: Arr) -> None:
        k = int(person.shape[0])
        self.parts.append(
            (
                person.astype(np.int64),
                np.broadcast_to(np.asarray(agency, dtype=np.int64), (k,)).copy(),
                np.broadcast_to(np.asarray(reason, dtype=np.int64), (k,)).copy(),
                start.astype(np.int64),
                end.astype(np.int64),
            )
        )

    def arrays(self) -> tuple[Arr, Arr, Arr, Arr, Arr]:
        person, agency, reason, start, end = (np.concatenate([p[i] for p in self.parts]) for i in range(5))
        return person, agency, reason, start, end


def prison_for(rng: np.random.Generator, sex: Arr, age: Arr, length_days: Arr) -> Arr:
    """The establishment (agency index) holding each custodial sentence."""
    n = int(sex.shape[0])
    u = rng.random(n)
    short = length_days < 365
    long = length_days >= 4 * 365
    # Elmley is the local (remand and short-sentence) prison; Swaleside holds long sentences; Rochester
    # is a young offender institution as well as a category C prison; women go to East Sutton Park.
    men = np.select(
        [
            short & (u < 0.7),
            short & (u < 0.85),
            short,
            long & (u < 0.7),
            long & (u < 0.85),
            long,
            u < 0.25,
            u < 0.5,
            u < 0.75,
        ],
        [
            A["prison_elmley"],
            A["prison_rochester"],
            A["prison_maidstone"],
            A["prison_swaleside"],
            A["prison_maidstone"],
            A["prison_elmley"],
            A["prison_rochester"],
            A["prison_maidstone"],
            A["prison_elmley"],
        ],
        A["prison_swaleside"],
    )
    men = np.where((age < 21) & (u < 0.6), A["prison_rochester"], men)
    out: Arr = np.where(sex == 1, A["prison_east_sutton_park"], men)
    return out


def _span(
    rng: np.random.Generator,
    person: Arr,
    pop: Population,
    as_of: int,
    min_age: int,
    open_share: float,
    years_back: float,
) -> tuple[Arr, Arr]:
    """Start and end dates of an involvement that began in the last few years (end -1 if open)."""
    k = int(person.shape[0])
    earliest = np.maximum(add_years(pop.dob[person], min_age), as_of - int(years_back * 365))
    earliest = np.minimum(earliest, as_of - 2)
    start = earliest + np.floor(rng.random(k) * np.maximum(as_of - 1 - earliest, 1)).astype(np.int64)
    closed = rng.random(k) >= open_share
    length = 30 + np.floor(rng.exponential(400.0, k)).astype(np.int64)
    end = np.minimum(start + length, as_of - 1)
    end = np.where(closed & (end > start), end, -1)
    return start, end


def build_involvements(
    rng: np.random.Generator,
    pop: Population,
    s: Sentences,
    pj: PersonJustice,
    reg: Registers,
    req_drr_sentence: Arr,
    prison_of_sentence: Arr,
    as_of: int,
) -> Involvements:
    """Which agency works, or worked, with whom, and why."""
    n = pop.n
    rows = _Rows()
    sup = pop.supervised
    status = pop.status
    adult = pop.age >= 18
    never = np.int64(-1)

    # --- probation: every supervised person, and past orders and licences ---
    cs = pj.current_sentence
    si = np.flatnonzero(sup)
    cur = cs[si]
    in_pss = (status[si] == ON_LICENCE) & (s.led[cur] < as_of)
    reason = np.select(
        [
            status[si] == IN_CUSTODY,
            in_pss,
            status[si] == ON_LICENCE,
            status[si] == COMMUNITY_ORDER,
            status[si] == SUSPENDED_ORDER,
        ],
        [0, 2, 1, 3, 4],
        3,
    )
    rows.add(si, A["probation"], reason, s.sentence_date[cur], np.full(si.shape[0], never))
    past = np.flatnonzero(~s.current)
    p_kind = s.kind[past]
    p_end = np.where(
        s.terminated[past] >= 0,
        s.terminated[past],
        np.where(p_kind == K_CUSTODY, s.sed[past], s.end_date[past]),
    )
    p_reason = np.select([p_kind == K_CUSTODY, p_kind == K_COMMUNITY, p_kind == K_SUSPENDED], [1, 3, 4], 3)
    rows.add(s.person[past], A["probation"], p_reason, s.sentence_date[past], np.minimum(p_end, as_of - 1))

    # --- prisons: every custodial sentence, open while the person is inside ---
    ci = np.flatnonzero(s.kind == K_CUSTODY)
    inside = s.current[ci] & ~s.release_actual[ci]
    c_end = np.where(
        inside,
        never,
        np.where(s.terminated[ci] >= 0, np.minimum(s.release[ci], s.terminated[ci]), s.release[ci]),
    )
    rows.add(s.person[ci], prison_of_sentence[ci], 5, s.sentence_date[ci], c_end)

    # --- police ---
    rec = np.flatnonzero(pj.has_record)
    rows.add(
        rec, A["police"], 6, pj.last_offence[rec], np.maximum(pj.last_outcome[rec], pj.last_offence[rec])
    )
    rk = {k: i for i, k in enumerate(REGISTER_KINDS)}

    def open_register(kind: str, extra: Arr | None = None) -> tuple[Arr, Arr]:
        m = (reg.kind == rk[kind]) & (reg.end < 0)
        if extra is not None:
            m &= extra
        return reg.person[m], reg.start[m]

    p, st = open_register("iom")
    rows.add(p, A["police"], 7, st, np.full(p.shape[0], never))
    p, st = open_register("mappa", reg.category == 1)
    rows.add(p, A["police"], 8, st, np.full(p.shape[0], never))
    recent_da = np.flatnonzero((pj.da_last >= 0) & (pj.da_last >= as_of - 730))
    rows.add(recent_da, A["police"], 9, pj.da_last[recent_da], np.full(recent_da.shape[0], never))
    p, st = open_register("street_gangs")
    rows.add(p, A["police"], 10, st, np.full(p.shape[0], never))

    # --- youth justice: anyone sanctioned as a child ---
    # Youth justice services keep records for about six years after the last contact.
    yj = np.flatnonzero((pj.youth_first >= 0) & (pj.youth_last >= as_of - 6 * 365))
    y_end = np.minimum(pj.youth_last[yj] + 365, add_years(pop.dob[yj], 18))
    y_reason = np.where(pj.youth_last_caution[yj], 13, np.where(rng.random(yj.shape[0]) < 0.65, 11, 12))
    rows.add(yj, A["youth_justice"], y_reason, pj.youth_first[yj], np.where(y_end >= as_of, never, y_end))

    # --- council community safety: ASB cases ---
    asb = reg.kind == rk["asb"]
    rows.add(
        reg.person[asb],
        A["council_community_safety"],
        np.where(rng.random(int(asb.sum())) < 0.7, 38, 39),
        reg.start[asb],
        reg.end[asb],
    )

    # --- housing: tenancy and homelessness work, mostly with adults of a household ---
    record = pj.has_record
    p_house = np.where(sup, 0.35, np.where(record, 0.2, 0.12))
    house = np.flatnonzero(adult & (rng.random(n) < p_house))
    h_start, h_end = _span(rng, house, pop, as_of, 18, 0.5, 6)
    h_reason = np.array([14, 15, 16, 17])[choice_index(rng, np.array([40.0, 25, 10, 25]), house.shape[0])]
    rows.add(house, A["housing"], h_reason, h_start, h_end)
    # duty to refer: people leaving prison in the next 12 weeks
    leaving = si[(status[si] == IN_CUSTODY) & (s.release[cur] <= as_of + 84)]
    rows.add(
        leaving,
        A["housing"],
        18,
        np.maximum(as_of - 56, s.sentence_date[cs[leaving]]),
        np.full(leaving.shape[0], never),
    )

    # --- social care: children in households of families where agencies already are ---
    hh_risk = np.zeros(pop.household_district.shape[0])
    np.maximum.at(hh_risk, pop.household, pop.propensity * adult)
    child = np.flatnonzero(~adult)
    care_p = 0.04 + 0.35 * hh_risk[pop.household[child]] ** 2
    cared = child[rng.random(child.shape[0]) < care_p]
    c_start, c_end = _span(rng, cared, pop, as_of, 0, 0.55, 5)
    c_reason = np.array([19, 20, 21, 22])[choice_index(rng, np.array([35.0, 15, 40, 10]), cared.shape[0])]
    rows.add(cared, A["social_care"], c_reason, c_start, c_end)
    cared_hh = np.zeros(hh_risk.shape[0], bool)
    cared_hh[pop.household[cared]] = True
    carers = np.flatnonzero(adult & cared_hh[pop.household] & (pop.role <= 1) & (rng.random(n) < 0.8))
    k_start, k_end = _span(rng, carers, pop, as_of, 18, 0.55, 5)
    rows.add(carers, A["social_care"], 23, k_start, k_end)

    # --- health ---
    p_health = np.where(sup, 0.45, np.where(record, 0.22, 0.2))
    health = np.flatnonzero(rng.random(n) < p_health)
    hl_start, hl_end = _span(rng, health, pop, as_of, 0, 0.6, 6)
    adult_reason = np.array([24, 25, 26, 27])[
        choice_index(rng, np.array([30.0, 10, 35, 25]), health.shape[0])
    ]
    adult_reason = np.where(~sup[health] & (adult_reason == 25), 26, adult_reason)
    child_reason = np.where(pop.age[health] < 5, 29, 28)
    rows.add(health, A["health"], np.where(adult[health], adult_reason, child_reason), hl_start, hl_end)

    # --- drug and alcohol treatment ---
    p_treat = np.where(
        sup, np.where(pj.drugs, 0.55, 0.3), np.where(record, np.where(pj.drugs, 0.25, 0.08), 0.02)
    )
    treat = np.flatnonzero((pop.age >= 16) & (rng.random(n) < p_treat))
    drr_people = np.unique(s.person[req_drr_sentence]) if req_drr_sentence.shape[0] else np.zeros(0, np.int64)
    treat = np.union1d(treat, drr_people)
    t_start, t_end = _span(rng, treat, pop, as_of, 16, 0.55, 5)
    t_reason = np.array([30, 31, 32])[choice_index(rng, np.array([35.0, 30, 35]), treat.shape[0])]
    t_reason = np.where(np.isin(treat, drr_people), 33, t_reason)
    rows.add(treat, A["treatment"], t_reason, t_start, t_end)

    # --- job centre: out-of-work adults of working age ---
    working_age = adult & (pop.age <= 66) & (status != IN_CUSTODY)
    p_job = np.where(sup, 0.5, np.where(record, 0.3, 0.18))
    job = np.flatnonzero(working_age & (rng.random(n) < p_job))
    j_start, j_end = _span(rng, job, pop, as_of, 18, 0.6, 4)
    j_reason = np.array([34, 35, 37])[choice_index(rng, np.array([60.0, 20, 20]), job.shape[0])]
    released = (status[job] == ON_LICENCE) & (take_or(s.release, cs[job], -1) >= as_of - 120)
    j_reason = np.where(released, 36, j_reason)
    rows.add(job, A["job_centre"], j_reason, j_start, j_end)

    # --- fire and rescue, voluntary sector ---
    fire = np.flatnonzero(adult & (rng.random(n) < np.where(record, 0.008, 0.004)))
    f_start, f_end = _span(rng, fire, pop, as_of, 18, 0.2, 4)
    rows.add(
        fire, A["fire"], np.where(record[fire] & (rng.random(fire.shape[0]) < 0.3), 41, 40), f_start, f_end
    )
    vol = np.flatnonzero(adult & (rng.random(n) < np.where(sup, 0.15, 0.025)))
    v_start, v_end = _span(rng, vol, pop, as_of, 18, 0.5, 4)
    v_reason = np.where(pop.sex[vol] == 1, np.where(rng.random(vol.shape[0]) < 0.6, 43, 44), 42)
    v_reason = np.where(~sup[vol] & (v_reason == 42), 44, v_reason)
    rows.add(vol, A["voluntary"], v_reason, v_start, v_end)

    person, agency, reason_all, start, end = rows.arrays()

    # --- everyone outside supervision is known to one to three agencies other than probation ---
    kind_of = _agency_kind_index()
    kinds = kind_of[agency]
    non_probation = agency != A["probation"]
    known = np.zeros(n, bool)
    known[person[non_probation]] = True
    lost = np.flatnonzero(~known)
    if lost.shape[0]:
        pick = np.where(
            adult[lost],
            np.array([A["health"], A["housing"], A["job_centre"]])[
                choice_index(rng, np.array([50.0, 25, 25]), lost.shape[0])
            ],
            A["health"],
        )
        l_start, l_end = _span(rng, lost, pop, as_of, 0, 0.6, 6)
        l_reason = np.select(
            [pick == A["housing"], pick == A["job_centre"], adult[lost]],
            [14, 34, 27],
            np.where(pop.age[lost] < 5, 29, 28),
        )
        extra = _Rows()
        extra.add(lost, pick, l_reason, l_start, l_end)
        e = extra.arrays()
        person, agency, reason_all, start, end = (
            np.concatenate([a, b]) for a, b in zip((person, agency, reason_all, start, end), e, strict=True)
        )
        kinds = kind_of[agency]
    # Trim the unsupervised to three agency kinds other than probation, keeping justice agencies first
    # and otherwise a per-person rotation of kinds (deterministic, and varied across people).
    is_prob = kinds == _KIND["probation"]
    priority = np.select(
        [kinds == _KIND["police"], kinds == _KIND["prison"], kinds == _KIND["youth_justice"]],
        [0, 1, 2],
        3 + (kinds + person) % len(_KIND),
    )
    order = np.lexsort((kinds, priority, is_prob, person))
    person, agency, reason_all, start, end, kinds, is_prob = (
        x[order] for x in (person, agency, reason_all, start, end, kinds, is_prob)
    )
    first_of_kind = group_starts(person * 16 + kinds)
    csum = np.cumsum(first_of_kind)
    at_person_start = np.maximum.accumulate(np.where(group_starts(person), csum, 0))
    kind_rank = csum - at_person_start
    keep = sup[person] | is_prob | (kind_rank < 3)
    person, agency, reason_all, start, end = (x[keep] for x in (person, agency, reason_all, start, end))
    end = np.where((end >= 0) & (end < start), start, end)
    start = np.minimum(start, as_of - 1)
    order = np.lexsort((start, agency, person))
    return Involvements(
        person=person[order],
        agency=agency[order],
        reason=reason_all[order],
        start=start[order],
        end=end[order],
        worker=np.full(order.shape[0], -1, dtype=np.int64),
    )


_KIND = {kind: i for i, kind in enumerate(AGENCY_KINDS)}


def _agency_kind_index() -> Arr:
    return np.array([_KIND[a[2]] for a in AGENCIES], dtype=np.int64)


ROLE_PRACTITIONER, ROLE_MANAGER, ROLE_OFFICER = 0, 1, 2


def assign_workers(rng: np.random.Generator, inv: Involvements, pop: Population) -> Workers:
    """Create each agency's staff and give every open involvement a worker (caseloads as in CASELOAD)."""
    names_sex: list[Arr] = []
    agency_col: list[Arr] = []
    role_col: list[Arr] = []
    next_id = 0
    district = pop.district[inv.person]
    for ai, (code, _name, kind, _district) in enumerate(AGENCIES):
        rows = np.flatnonzero(inv.agency == ai)
        open_rows = rows[inv.end[rows] < 0]
        caseload = CASELOAD[kind]
        role = ROLE_OFFICER if kind in ("police", "prison") else ROLE_PRACTITIONER
        if code == "probation":
            # Practitioners work in district teams (probation delivery units).
            d = district[open_rows]
            teams = np.bincount(d, minlength=13)
            team_size = np.maximum(np.ceil(teams / caseload).astype(np.int64), 1)
            team_offset = np.cumsum(team_size) - team_size
            order = np.lexsort((rng.random(int(open_rows.shape[0])), d))
            ranked = np.empty(open_rows.shape[0], dtype=np.int64)
            ranked[order] = np.arange(open_rows.shape[0]) - np.searchsorted(d[order], d[order], side="left")
            local = ranked % team_size[d]
            worker_local = team_offset[d] + local
            n_prac = int(team_size.sum())
        else:
            n_prac = max(2, int(np.ceil(open_rows.shape[0] / caseload)))
            worker_local = rng.permutation(open_rows.shape[0]) % n_prac
        n_mgr = max(1, int(np.ceil(n_prac / 8)))
        inv.worker[open_rows] = next_id + worker_local + 1
        closed = rows[inv.end[rows] >= 0]
        named = rng.random(closed.shape[0]) < 0.6
        inv.worker[closed] = np.where(named, next_id + 1 + rng.integers(0, n_prac, closed.shape[0]), -1)
        total = n_prac + n_mgr
        agency_col.append(np.full(total, ai, dtype=np.int64))
        role_col.append(
            np.concatenate([np.full(n_prac, role), np.full(n_mgr, ROLE_MANAGER)]).astype(np.int64)
        )
        names_sex.append(rng.integers(0, 2, total))
        next_id += total
    sex = np.concatenate(names_sex)
    pools = name_pools()
    first = np.where(
        sex == 0,
        choice_index(rng, pools.male_weights, sex.shape[0]),
        choice_index(rng, pools.female_weights, sex.shape[0]),
    )
    last = choice_index(rng, pools.last_weights, sex.shape[0])
    return Workers(
        agency=np.concatenate(agency_col), role=np.concatenate(role_col), sex=sex, first=first, last=last
    )
