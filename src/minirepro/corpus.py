"""The course's default training corpus: documents written about a small fictional world.

GPT-3 never published the text it trained on (Brown et al. 2020, Sec. 2.2 and App. A describe the
filtering, not the data), so nobody could train on it again. This corpus is the opposite: a
program makes it, byte for byte, from a seed.

How it is made
--------------
``make_world(seed, size)`` invents a world: countries, rivers, towns, people, chemical elements
and animal species, each with attributes (a town's country, population, founding year and river;
a person's birth year, birthplace, profession, teacher and year of death; an element's symbol,
atomic number, colour, state, discoverer and year of discovery; a species' class, habitat, range,
diet, lifespan and the naturalist who described it). Names are built from syllables. Relations are
consistent: people are born in towns that exist, after those towns were founded; a teacher is born
15 to 60 years before the student; elements are discovered by chemists during their lives; a
species is described by a naturalist.

``generate_corpus(seed, scale)`` then writes documents about that world. Each document picks an
entity, a genre (encyclopedia entry, biography, travel notes, lab notebook, field guide, questions
and answers, fact sheet, and lists such as "Towns of X" or "Students of Y"), a header, how many
facts to state, which facts and in what order, and a phrasing for each (several per fact), so the
same fact appears across documents in different words. Some sentences carry harmless noise that is
not a fact about the world (the weather during a visit, the mass of a lab sample). Every
``Document`` records the facts it states and ``logprob``, the natural log of the probability of all
the random choices made while writing it. ``qa_items(world, docs)`` lists the closed-book questions
(question, answer, entity, attribute) that module 05 asks.

Determinism
-----------
The text is meant to be identical on every Python version and platform: a test checks its SHA-256
against the card in ``datasets/fictional_world.md``, and the same bytes came out of CPython 3.10,
3.11, 3.12 and 3.13. Only ``random.Random(seed).random()`` is used: the
Python documentation ("Notes on reproducibility" in the ``random`` module) guarantees that method's
sequence for an integer seed across versions, and promises nothing about ``randrange``, ``choice``
or ``shuffle``. Every other draw is derived from it (``uniform_int``, ``shuffled``) with correctly
rounded IEEE-754 arithmetic (``minirepro.rng``), which gives the same result everywhere. No global RNG,
no numpy or torch, no ``hash()``, no iteration over a set, no transcendental function on the way to the text
(``math.log`` only feeds ``logprob``). The world uses ``Random(2 * seed)`` and the documents ``Random(2 * seed + 1)``.

The entropy floor
-----------------
``entropy_floor(docs)`` = sum of ``-logprob`` / bytes of the training text (documents plus one
separator byte each), in nats per byte (divide by ln 2 for bits). What it means:

* It is conditional on the world. The world (names, dates, relations) is fixed once per seed and
  the generator treats it as known; a model has to learn it from the documents. So the floor is
  the expected loss of a model that knows the world perfectly and knows how documents are written,
  on a fresh document from the same generator: -log p(text | world) per byte. No model can beat it
  in expectation (cross-entropy >= entropy), whatever its size or context length. A model that has
  not memorised the world pays more; the gap is what scaling buys (module 04).
* It is exact, not an upper bound, because the map from choices to text is injective: each choice
  writes a segment of text, and at every choice point the segments the generator could have
  written are non-empty and prefix-free (none is a prefix of another), names are unique, and the
  separator never occurs inside a document. Reading a text from the left therefore recovers every
  choice, so p(text) = p(choices). ``generate_corpus(..., check=True)`` verifies this at every
  choice point of every document it writes (a test runs it on the smoke corpus). Were the map not
  injective, two choice sequences could write the same text, p(text) would be the sum of their
  probabilities, and -log p(choices) would overstate the entropy: the number would no longer be a
  floor. The check is what makes it one.
* For the text at hand it is exact; as the expected loss on fresh documents it is a sample mean,
  with a standard error of about 0.6% (smoke, 2,400 documents) and 0.1% (full). Integer draws come
  from ``int(u * n)`` with a 53-bit ``u``, whose probabilities differ from 1/n by less than
  n / 2**53: negligible.
* The separator costs nothing: every document's last segment already says it is the last.

A second source, for lectures only
----------------------------------
``python_docs_corpus()`` returns real English that every Python installation carries: the language
reference topics of ``pydoc_data.topics`` and the docstrings of a fixed list of standard-library
modules. It differs between Python versions (3.11 and 3.12 differ; ``python -OO`` strips the
docstrings), so it never feeds an exact graded value and has no checksum.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import math
import random
import string
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

from .checks import is_int
from .checks import seed as check_seed
from .rng import pick, shuffled, uniform_int

SEPARATOR = "\x00"  # ends every document in the training text; never occurs inside one (data.EOT)

CORPUS_SIZES = {
    "smoke": {"world_size": 24, "n_docs": 2_400},  # about 0.4 MB: a CPU trains on it in minutes
    "full": {"world_size": 240, "n_docs": 75_000},  # about 12 MB: a Colab GPU's mini-runs
}

# ------------------------------------------------------------------------------------------------
# The world
# ------------------------------------------------------------------------------------------------

#: Attributes of each kind of entity, in the order facts and questions list them.
ATTRIBUTES = {
    "country": ("capital", "language", "founded"),
    "river": ("country", "length"),
    "place": ("country", "population", "founded", "river"),
    "person": ("born", "birthplace", "profession", "mentor", "died"),
    "element": ("symbol", "number", "colour", "state", "discoverer", "discovered"),
    "species": ("class", "habitat", "country", "diet", "lifespan", "describer"),
}
#: Attributes whose value is another entity's id (rendered as that entity's name).
RELATIONS = frozenset({"capital", "country", "river", "birthplace", "mentor", "discoverer", "describer"})

PROFESSIONS = (
    "chemist",
    "naturalist",
    "painter",
    "engineer",
    "physician",
    "poet",
    "cartographer",
    "astronomer",
    "merchant",
    "composer",
)
COLOURS = ("silver", "grey", "pale yellow", "deep red", "green", "blue", "black", "white", "violet", "orange")
STATES = ("solid", "solid", "solid", "liquid", "gas")
#: class -> (habitats, diets, shortest lifespan, longest lifespan)
CLASSES = {
    "bird": (("marshes", "forests", "coasts", "meadows"), ("seeds", "insects", "small fish", "berries"), 3, 30),
    "fish": (("lakes", "streams", "coasts"), ("algae", "insects", "small fish", "snails"), 2, 25),
    "beetle": (("forests", "meadows", "caves"), ("leaves", "moss", "dead wood", "fungi"), 1, 4),
    "frog": (("marshes", "lakes", "streams"), ("insects", "worms", "snails"), 2, 15),
    "moth": (("meadows", "forests"), ("nectar", "leaves"), 1, 2),
    "lizard": (("hills", "mountains", "coasts"), ("insects", "berries", "worms"), 3, 20),
    "bat": (("caves", "forests"), ("insects", "fruit", "nectar"), 5, 30),
    "snail": (("marshes", "forests", "meadows"), ("leaves", "algae", "moss"), 1, 10),
    "deer": (("forests", "hills", "meadows"), ("grass", "leaves", "bark"), 8, 25),
    "owl": (("forests", "mountains", "hills"), ("mice", "insects", "small birds"), 5, 25),
}

_ONSETS = (
    "b",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "dr",
    "gr",
    "kr",
    "st",
    "th",
    "sh",
)
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "th", "nd")


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(pick(rng, _ONSETS) + pick(rng, _VOWELS) + pick(rng, _CODAS) for _ in range(syllables))


@dataclass
class Entity:
    id: str  # "<kind>:<index>", e.g. "person:17"
    kind: str
    name: str
    attrs: dict  # attribute -> int, str, or an entity id (see RELATIONS); absent when it has none


@dataclass
class World:
    """The entities of one seed, in the order they were made, and the lookups documents need."""

    seed: int
    size: int
    entities: list
    by_id: dict = field(init=False, repr=False)
    _members: dict = field(init=False, repr=False, default_factory=dict)
    _plan_cache: dict = field(init=False, repr=False, default_factory=dict)  # see _plans()

    def __post_init__(self):
        self.by_id = {e.id: e for e in self.entities}

    def of_kind(self, kind: str) -> list:
        return [e for e in self.entities if e.kind == kind]

    def value(self, eid: str, attr: str) -> str | None:
        """An attribute as documents write it (a related entity by name, a population with commas)."""
        v = self.by_id[eid].attrs.get(attr)
        if v is None:
            return None
        if attr in RELATIONS:
            return self.by_id[v].name
        if attr == "population":
            return f"{v:,}"
        return str(v)

    def members(self, kind: str, attr: str, target: str) -> list:
        """Entities of ``kind`` whose ``attr`` is ``target`` (the towns of a country...), in world order."""
        key = (kind, attr)
        if key not in self._members:
            index = {}
            for e in self.entities:
                if e.kind == kind and e.attrs.get(attr) is not None:
                    index.setdefault(e.attrs[attr], []).append(e)
            self._members[key] = index
        return self._members[key].get(target, [])

    def facts(self) -> list:
        """Every fact of the world as ``(entity id, attribute, value as written)``."""
        out = []
        for e in self.entities:
            for attr in ATTRIBUTES[e.kind]:
                v = self.value(e.id, attr)
                if v is not None:
                    out.append((e.id, attr, v))
        return out


def _world_size(size) -> int:
    if isinstance(size, str):
        if size not in CORPUS_SIZES:
            raise ValueError(f"size must be one of {tuple(CORPUS_SIZES)} or an int >= 8; got {size!r}")
        return CORPUS_SIZES[size]["world_size"]
    if not is_int(size) or size < 8:
        raise ValueError(f"size must be one of {tuple(CORPUS_SIZES)} or an int >= 8; got {size!r}")
    return size


class _WorldBuilder:
    """What drawing a world needs at every step: its random stream, the names in use, the entities so far."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.entities = []
        self._taken = set()  # lower-case names in use; only ever tested for membership, never iterated
        self._counts = {kind: 0 for kind in ATTRIBUTES}

    def new_name(self, make) -> str:
        """Call ``make()`` until it returns a name of at least 4 letters that no entity has yet."""
        while True:
            name = make()
            if len(name) >= 4 and name.lower() not in self._taken:
                self._taken.add(name.lower())
                return name

    def word(self, syllables: int) -> str:
        return _word(self.rng, syllables).capitalize()

    def add(self, kind: str, name: str, **attrs) -> Entity:
        """A new entity with the next id of its kind."""
        e = Entity(f"{kind}:{self._counts[kind]}", kind, name, attrs)
        self._counts[kind] += 1
        self.entities.append(e)
        return e


def _add_countries(b: _WorldBuilder, count: int) -> list:
    rng = b.rng
    return [
        b.add(
            "country",
            b.new_name(lambda: b.word(2)),
            founded=600 + uniform_int(rng, 900),
            language=b.new_name(lambda: b.word(2) + pick(rng, ("ic", "ish", "ese"))),
        )
        for _ in range(count)
    ]


def _add_rivers(b: _WorldBuilder, count: int, countries: list) -> list:
    rng = b.rng
    return [
        b.add(
            "river", b.new_name(lambda: b.word(2)), country=pick(rng, countries).id, length=40 + uniform_int(rng, 1160)
        )
        for _ in range(count)
    ]


def _add_places(b: _WorldBuilder, count: int, countries: list, rivers: list) -> list:
    """Towns: every country gets one first; two towns in three stand on a river of their country."""
    rng = b.rng
    places = []
    for i in range(count):
        country = countries[i] if i < len(countries) else pick(rng, countries)
        p = b.add(
            "place",
            b.new_name(lambda: b.word(2)),
            country=country.id,
            founded=800 + uniform_int(rng, 900),
            population=(10 + uniform_int(rng, 90)) * 10 ** (1 + uniform_int(rng, 4)),
        )
        local = [r for r in rivers if r.attrs["country"] == country.id]
        if local and uniform_int(rng, 3) < 2:
            p.attrs["river"] = pick(rng, local).id
        places.append(p)
    return places


def _choose_capitals(b: _WorldBuilder, countries: list, places: list) -> None:
    for c in countries:
        c.attrs["capital"] = pick(b.rng, [p for p in places if p.attrs["country"] == c.id]).id


def _add_people(b: _WorldBuilder, count: int, places: list) -> list:
    """People born in a town after its founding; the first two are a chemist and a naturalist."""
    rng = b.rng
    people = []
    for i in range(count):
        full = b.new_name(lambda: b.word(2) + " " + b.word(1 + uniform_int(rng, 2)))
        home = pick(rng, places)
        born = home.attrs["founded"] + 20 + uniform_int(rng, 1880 - home.attrs["founded"] - 20)
        profession = PROFESSIONS[i] if i < 2 else pick(rng, PROFESSIONS)
        died = born + 25 + uniform_int(rng, 66)
        people.append(b.add("person", full, born=born, birthplace=home.id, profession=profession, died=died))
    return people


def _choose_mentors(b: _WorldBuilder, people: list) -> None:
    """Three people in four have a teacher, born 15 to 60 years before them (if anyone was)."""
    for p in people:
        born = p.attrs["born"]
        teachers = [q for q in people if born - 60 <= q.attrs["born"] <= born - 15]
        if teachers and uniform_int(b.rng, 4) < 3:
            p.attrs["mentor"] = pick(b.rng, teachers).id


def _element_name(b: _WorldBuilder, symbols: set) -> tuple:
    """A new element's name and a symbol not yet used (its capitalised first letter and a later one)."""
    while True:
        name = b.new_name(lambda: _word(b.rng, 2) + pick(b.rng, ("ium", "ium", "on", "ine")))
        first = name[0].upper()
        symbol = next((first + c for c in name[1:] if first + c not in symbols), None)
        if symbol:
            return name, symbol


def _add_elements(b: _WorldBuilder, count: int, people: list) -> None:
    """Elements, each discovered by a chemist at least 20 years after birth and before death."""
    rng = b.rng
    chemists = [p for p in people if p.attrs["profession"] == "chemist"]
    numbers = shuffled(rng, range(1, 3 * count + 1))
    symbols = set()  # membership only
    for i in range(count):
        name, symbol = _element_name(b, symbols)
        symbols.add(symbol)
        who = pick(rng, chemists)
        lived = who.attrs["died"] - who.attrs["born"]
        b.add(
            "element",
            name,
            symbol=symbol,
            number=numbers[i],
            colour=pick(rng, COLOURS),
            state=pick(rng, STATES),
            discoverer=who.id,
            discovered=who.attrs["born"] + 20 + uniform_int(rng, lived - 20 + 1),
        )


def _add_species(b: _WorldBuilder, count: int, countries: list, people: list) -> None:
    """Animal species, each described by a naturalist; habitat, diet and lifespan fit its class."""
    rng = b.rng
    naturalists = [p for p in people if p.attrs["profession"] == "naturalist"]
    class_names = tuple(CLASSES)
    for _ in range(count):
        cls = pick(rng, class_names)
        habitats, diets, shortest, longest = CLASSES[cls]
        b.add(
            "species",
            b.new_name(lambda: _word(rng, 2)),
            **{
                "class": cls,
                "habitat": pick(rng, habitats),
                "country": pick(rng, countries).id,
                "diet": pick(rng, diets),
                "lifespan": shortest + uniform_int(rng, longest - shortest + 1),
                "describer": pick(rng, naturalists).id,
            },
        )


def make_world(seed: int = 0, size="smoke") -> World:
    """Invent a world. ``size`` is ``"smoke"``, ``"full"`` or the number of towns (people: 2x,
    species: 1x, elements: 1/2, rivers: 1/4, countries: 1/8).

    Every draw comes from one stream, ``Random(2 * seed)``, in the order of the steps below: changing
    that order changes every world (and the checksums in ``datasets/fictional_world.md``)."""
    check_seed(seed)
    n = _world_size(size)
    b = _WorldBuilder(random.Random(2 * seed))
    countries = _add_countries(b, max(2, n // 8))
    rivers = _add_rivers(b, max(2, n // 4), countries)
    places = _add_places(b, n, countries, rivers)
    _choose_capitals(b, countries, places)
    people = _add_people(b, 2 * n, places)
    _choose_mentors(b, people)
    _add_elements(b, max(2, n // 2), people)
    _add_species(b, n, countries, people)
    return World(seed, n, b.entities)


# ------------------------------------------------------------------------------------------------
# Templates. A template's fields name what it states: {country} states the entity's country,
# {birthplace_country} the country of its birthplace, and so on (see _fields). Fields in NOISE are
# chosen at random per sentence and state nothing about the world.
# ------------------------------------------------------------------------------------------------

NOISE = {
    "nights": tuple(str(i) for i in range(2, 10)),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "weather": ("dry", "wet", "windy", "cold", "warm", "foggy"),
    "food": ("plain", "excellent", "too salty", "cheap", "spicy"),
    "mass": tuple(f"{i // 10}.{i % 10}" for i in range(10, 100)),
    "temp": tuple(str(t) for t in range(100, 1000, 50)),
    "count": tuple(str(i) for i in range(2, 41)),
    "month": ("spring", "early summer", "late summer", "autumn", "winter"),
}

PROSE = {
    "place": (
        (
            "{N} is a town in {country}.",
            "{N} lies in {country}.",
            "{N} is one of the towns of {country}, whose capital is {country_capital}.",
            "The town of {N} belongs to {country}.",
        ),
        (
            "{N} has a population of {population}.",
            "{population} people live in {N}.",
            "The population of {N} is {population}.",
        ),
        (
            "{N} was founded in {founded}.",
            "The founding of {N} dates to {founded}.",
            "{N} has stood since its founding in {founded}.",
        ),
        (
            "{N} stands on the {river} river.",
            "The {river} flows through {N}.",
            "{N} lies on the banks of the {river}, a river {river_length} km long.",
        ),
        ("{native} was born in {N}.", "{N} is the birthplace of {native}."),
    ),
    "country": (
        (
            "The capital of {N} is {capital}.",
            "{capital} is the capital of {N}.",
            "{N} is governed from its capital, {capital}, a town of {capital_population} people.",
        ),
        (
            "The language of {N} is {language}.",
            "People in {N} speak {language}.",
            "{language} is spoken throughout {N}.",
        ),
        (
            "{N} was founded in {founded}.",
            "{N} became a country in {founded}.",
            "The state of {N} dates from {founded}.",
        ),
        ("{town} is one of the towns of {N}.", "Among the towns of {N} is {town}."),
        ("The {river} is a river of {N}.", "The {river} rises in {N}."),
    ),
    "river": (
        (
            "The {N} is {length} km long.",
            "The {N} runs for {length} kilometres.",
            "The {N} has a length of {length} km.",
        ),
        (
            "The {N} rises in {country}.",
            "The {N} is a river of {country}.",
            "The source of the {N} is in {country}, whose capital is {country_capital}.",
        ),
        ("The {N} flows past {town}.", "{town} stands on the {N}."),
    ),
    "person": (
        (
            "{N} was born in {birthplace} in {born}.",
            "{N} was born in {born}.",
            "{N} was born in {birthplace}, a town in {birthplace_country}.",
            "{N} was born in {born} in the town of {birthplace}.",
        ),
        (
            "{N} was {a_profession}.",
            "{N} worked as {a_profession}.",
            "By profession {N} was {a_profession}.",
            "{N} is remembered as {a_profession}.",
        ),
        (
            "{N} studied under {mentor}.",
            "{N} was a student of {mentor}.",
            "{mentor} was the teacher of {N}.",
            "{N} was taught by {mentor}, {a_mentor_profession}.",
        ),
        ("{N} died in {died}.", "{N} died in {died}, at the age of {age}.", "{N} lived until {died}."),
        ("{N} discovered {discoveries}.", "{N} is credited with the discovery of {discoveries}."),
        ("{N} was the first to describe {described}.", "{N} described {described}."),
    ),
    "element": (
        (
            "The chemical symbol of {N} is {symbol}.",
            "{Nc} has the symbol {symbol}.",
            "In chemical notation {N} is written {symbol}.",
        ),
        (
            "{Nc} has atomic number {number}.",
            "The atomic number of {N} is {number}.",
            "{Nc} is element number {number}.",
        ),
        ("{Nc} is {colour} in colour.", "Pure {N} is {colour}.", "A sample of {N} looks {colour}."),
        ("At room temperature {N} is a {state}.", "{Nc} is a {state} under ordinary conditions."),
        (
            "{Nc} was discovered by {discoverer} in {discovered}.",
            "{Nc} was discovered in {discovered}.",
            "The {discoverer_profession} {discoverer} discovered {N} in {discovered}.",
            "{Nc} was first isolated by {discoverer}.",
        ),
    ),
    "species": (
        ("The {N} is {a_class}.", "The {N} is a species of {class}.", "Naturalists class the {N} as {a_class}."),
        (
            "The {N} lives in the {habitat} of {country}.",
            "The {N} is found in {country}.",
            "The {N} prefers {habitat}.",
            "In {country} the {N} inhabits the {habitat}.",
        ),
        ("The {N} feeds on {diet}.", "The {N} eats mainly {diet}.", "The diet of the {N} consists of {diet}."),
        (
            "The {N} lives for about {lifespan} years.",
            "A {N} can live {lifespan} years.",
            "The lifespan of the {N} is {lifespan} years.",
        ),
        (
            "The {N} was first described by {describer}.",
            "{describer} was the first to describe the {N}.",
            "The {N} was named by the {describer_profession} {describer}.",
        ),
    ),
}

TRAVEL = (  # a place, in the first person
    (
        "I crossed into {country} and walked on to {N}.",
        "{N} is a quiet town in {country}.",
        "Everyone in {N} calls {country} home, and they told me {country_capital} is the capital.",
    ),
    (
        "The innkeeper told me that {population} people live in {N}.",
        "A clerk at the town hall put the population at {population}.",
    ),
    (
        "A stone over the gate says the town was founded in {founded}.",
        "The locals are proud that {N} was founded in {founded}.",
    ),
    (
        "I walked along the {river}, which runs through the town.",
        "From my window I could see the {river} flowing through {N}.",
    ),
    ("A statue in the square honours {native}, who was born here.",),
    ("I stayed {nights} nights.", "It rained on {weekday}.", "The weather was {weather} the whole time."),
    ("The food was {food}.",),
)

LAB = (  # an element, one line per observation
    ("Weighed a sample of {N} ({symbol}): {mass} g.", "Sample of {N} ({symbol}) on the balance: {mass} g."),
    ("The sample is {colour}, as the tables say.", "Colour of the sample: {colour}, as expected."),
    ("Tables give atomic number {number}.", "Atomic number {number}, per the tables."),
    (
        "Reminder: {N} was discovered by {discoverer} in {discovered}.",
        "First isolated by {discoverer} in {discovered}.",
    ),
    ("Heated it to {temp} degrees; no change.", "Left the sample at {temp} degrees overnight."),
    ("Stored as a {state}, as usual for {N}.",),
)

FIELD_GUIDE = (  # a species
    ("Look for the {N} in the {habitat} of {country}.", "The {N} keeps to {habitat} in {country}."),
    ("It feeds on {diet}.", "Its food is mostly {diet}."),
    (
        "It is {a_class}, first described by the {describer_profession} {describer}.",
        "This {class} was first described by {describer}.",
    ),
    ("Expect it to live about {lifespan} years.", "Individuals live about {lifespan} years."),
    ("Observers counted {count} of them last season.", "It is easiest to see in {month}."),
)

#: Closed-book questions, per kind and attribute. The first wording is the one ``qa_items`` asks;
#: every wording also appears in the corpus's question-and-answer documents.
QUESTIONS = {
    "place": {
        "country": ("In which country is {N}?", "Which country is {N} in?"),
        "population": ("What is the population of {N}?", "How many people live in {N}?"),
        "founded": ("In what year was {N} founded?", "When was {N} founded?"),
        "river": ("On which river does {N} stand?", "Which river flows through {N}?"),
    },
    "country": {
        "capital": ("What is the capital of {N}?", "Which town is the capital of {N}?"),
        "language": ("What language is spoken in {N}?", "What do people in {N} speak?"),
        "founded": ("In what year was {N} founded?", "When did {N} become a country?"),
    },
    "river": {
        "country": ("In which country does the {N} rise?", "Where is the source of the {N}?"),
        "length": ("How long is the {N}, in km?", "What is the length of the {N} in km?"),
    },
    "person": {
        "born": ("In what year was {N} born?", "When was {N} born?"),
        "birthplace": ("Where was {N} born?", "In which town was {N} born?"),
        "profession": ("What was {N}'s profession?", "What did {N} do for a living?"),
        "mentor": ("Who was {N}'s teacher?", "Under whom did {N} study?"),
        "died": ("In what year did {N} die?", "When did {N} die?"),
    },
    "element": {
        "symbol": ("What is the chemical symbol of {N}?", "How is {N} written in chemical notation?"),
        "number": ("What is the atomic number of {N}?", "Which element number is {N}?"),
        "colour": ("What colour is {N}?", "What does {N} look like?"),
        "state": ("Is {N} a solid, a liquid or a gas at room temperature?",),
        "discoverer": ("Who discovered {N}?", "Who first isolated {N}?"),
        "discovered": ("In what year was {N} discovered?", "When was {N} discovered?"),
    },
    "species": {
        "class": ("What kind of animal is the {N}?", "What is the {N}?"),
        "habitat": ("Where does the {N} live?", "What habitat does the {N} prefer?"),
        "country": ("In which country is the {N} found?", "Which country is home to the {N}?"),
        "diet": ("What does the {N} eat?", "What does the {N} feed on?"),
        "lifespan": ("How many years does the {N} live?", "What is the lifespan of the {N}, in years?"),
        "describer": ("Who first described the {N}?", "Who named the {N}?"),
    },
}

LABELS = {  # fact sheets: "* <label>: <value>"
    "place": {
        "country": ("Country", "Located in"),
        "population": ("Population", "Inhabitants"),
        "founded": ("Founded", "Year of founding"),
        "river": ("River",),
    },
    "country": {
        "capital": ("Capital", "Seat of government"),
        "language": ("Language", "Spoken language"),
        "founded": ("Founded",),
    },
    "river": {"country": ("Source", "Rises in"), "length": ("Length (km)",)},
    "person": {
        "born": ("Born", "Year of birth"),
        "birthplace": ("Birthplace", "Place of birth"),
        "profession": ("Profession", "Occupation"),
        "mentor": ("Teacher", "Studied under"),
        "died": ("Died", "Year of death"),
    },
    "element": {
        "symbol": ("Symbol",),
        "number": ("Atomic number",),
        "colour": ("Colour", "Appearance"),
        "state": ("State at room temperature",),
        "discoverer": ("Discovered by",),
        "discovered": ("Year of discovery", "Discovered in"),
    },
    "species": {
        "class": ("Class", "Kind of animal"),
        "habitat": ("Habitat",),
        "country": ("Range", "Found in"),
        "diet": ("Diet", "Food"),
        "lifespan": ("Lifespan (years)",),
        "describer": ("Described by",),
    },
}


@dataclass(frozen=True)
class Genre:
    """One kind of document about one kind of entity.

    ``bank`` holds groups of interchangeable templates: a document states some groups, each once,
    in a random order and a random wording. ``members = (kind, attr)`` makes a list instead: one
    line (``bank[0]``) for every entity of that kind whose ``attr`` is this entity, all of them.
    """

    name: str
    kind: str
    headers: tuple
    bank: tuple
    lines: bool = False  # one item per line, else sentences in a paragraph
    lo: int = 2  # fewest and most items stated (clipped to the number available; lists state all)
    hi: int = 10**6
    surname: bool = False  # people are called by their surname after the header
    members: tuple | None = None


def _qa_bank(kind):
    return tuple(tuple("Q: " + q + "\nA: {" + attr + "}." for q in qs) for attr, qs in QUESTIONS[kind].items())


def _list_bank(kind):
    return tuple(tuple("* " + label + ": {" + attr + "}" for label in labels) for attr, labels in LABELS[kind].items())


#: How headers name an entity of each kind.
TITLE = {"place": "{N}", "country": "{N}", "river": "the {N}", "person": "{N}", "element": "{N}", "species": "the {N}"}


def _common_genres(kind: str, title: str) -> tuple:
    """The three genres every kind has: an encyclopedia entry, questions and answers, a fact sheet."""
    return (
        Genre("encyclopedia", kind, ("{Nc}\n\n", "== {Nc} ==\n\n"), PROSE[kind], lo=3),
        Genre(
            "qa", kind, (f"Questions about {title}\n\n", f"Q&A: {title}\n\n"), _qa_bank(kind), lines=True, lo=3, hi=6
        ),
        Genre("factsheet", kind, (f"Fact sheet: {title}\n", "{Nc}: key facts\n"), _list_bank(kind), lines=True, lo=3),
    )


#: Genres that only one kind of entity has: a biography, travel notes, a lab notebook, a field guide.
_STORY_GENRES = (
    Genre(
        "biography",
        "person",
        ("The life of {name}\n\n", "{name}: a short biography\n\n"),
        PROSE["person"],
        lo=3,
        surname=True,
    ),
    Genre(
        "travel", "place", ("Travel notes: {N}\n\n", "A visit to {N}\n\n", "Letters from {N}\n\n"), TRAVEL, lo=3, hi=6
    ),
    Genre(
        "lab",
        "element",
        ("Lab notebook: {N} ({symbol})\n\n", "Notes on a sample of {N}\n\n"),
        LAB,
        lines=True,
        lo=3,
        hi=6,
    ),
    Genre("field_guide", "species", ("Field guide: the {N}\n\n", "Spotting the {N}\n\n"), FIELD_GUIDE, lo=3),
)


def _members_list(name: str, kind: str, headers: tuple, line: str, members: tuple) -> Genre:
    """A list with one ``line`` for every entity of kind ``members[0]`` whose ``members[1]`` is this one."""
    return Genre(name, kind, headers, ((line,),), lines=True, lo=10**6, members=members)


#: Lists of what belongs to an entity: the towns and wildlife of a country, a river's towns, a teacher's students.
_LIST_GENRES = (
    _members_list(
        "towns",
        "country",
        ("Towns of {N}\n\n", "The towns of {N}, by the register\n\n"),
        "* {N}, founded {founded}, population {population}",
        ("place", "country"),
    ),
    _members_list(
        "wildlife", "country", ("Wildlife of {N}\n\n",), "* the {N}, {a_class} of the {habitat}", ("species", "country")
    ),
    _members_list(
        "towns_on_river", "river", ("Towns on the {N}\n\n",), "* {N} ({population} people)", ("place", "river")
    ),
    _members_list(
        "students", "person", ("Students of {name}\n\n",), "* {N} ({born}-{died}), {a_profession}", ("person", "mentor")
    ),
)

#: Every genre, in the order documents choose among them (changing it changes the corpus).
GENRES = tuple(g for kind, title in TITLE.items() for g in _common_genres(kind, title)) + _STORY_GENRES + _LIST_GENRES

# ------------------------------------------------------------------------------------------------
# Writing documents
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    text: str
    entities: tuple  # ids of the entities it is about, the main one first
    facts: tuple  # (entity id, attribute, value as written) for every fact it states
    logprob: float | None  # ln p(all random choices made writing it); None for real text
    genre: str = ""


class QAItem(NamedTuple):
    question: str
    answer: str
    entity: str
    attribute: str


def _article(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _and_list(words: list) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class _FieldTable:
    """The fields of one entity while ``_fields`` fills them in: ``fields[name]`` holds its options."""

    def __init__(self, world: World, e: Entity):
        self.world, self.e, self.fields = world, e, {}

    def fixed(self, key: str, text: str) -> None:
        """One option that states no fact (a name, an age)."""
        self.fields[key] = ((text, ()),)

    def fact(self, key: str, eid: str, attr: str) -> None:
        """Attribute ``attr`` of entity ``eid``, if it has one."""
        v = self.world.value(eid, attr)
        if v is not None:
            self.fields[key] = ((v, ((eid, attr, v),)),)

    def related(self, key: str, rel: str, attr: str) -> None:
        """Attribute ``attr`` of the entity this one's ``rel`` names: the country of a person's birthplace."""
        if self.e.attrs.get(rel) is not None:
            self.fact(key, self.e.attrs[rel], attr)

    def article(self, key: str, base: str) -> None:
        """Field ``base`` with "a" or "an" in front, stating the same fact."""
        if base in self.fields:
            ((v, facts),) = self.fields[base]
            self.fields[key] = ((_article(v), facts),)

    def choice(self, key: str, kind: str, attr: str) -> None:
        """One of the entities of ``kind`` whose ``attr`` is this entity, as options: the document picks."""
        found = self.world.members(kind, attr, self.e.id)
        if found:
            self.fields[key] = tuple((x.name, ((x.id, attr, self.e.name),)) for x in found)

    def all_of(self, key: str, kind: str, attr: str, show) -> None:
        """All the entities of ``kind`` whose ``attr`` is this entity, in one "x, y and z" option."""
        found = self.world.members(kind, attr, self.e.id)
        if found:
            stated = tuple((x.id, attr, self.e.name) for x in found)
            self.fields[key] = ((_and_list([show(x) for x in found]), stated),)


def _fields(world: World, e: Entity, surname: bool = False) -> dict:
    """Everything a template about ``e`` may say: field name -> options, each ``(text, facts stated)``.

    Fixed fields have one option; ``native``, ``town`` and ``river`` of a country or river have
    several (the document picks one). A field is absent when there is nothing to say.
    """
    t = _FieldTable(world, e)
    ref = e.name.split()[-1] if surname else e.name
    t.fixed("N", ref)
    t.fixed("Nc", ref[0].upper() + ref[1:])
    t.fixed("name", e.name)
    for attr in ATTRIBUTES[e.kind]:
        t.fact(attr, e.id, attr)
    if e.kind == "place":
        t.related("country_capital", "country", "capital")
        t.related("river_length", "river", "length")
        t.choice("native", "person", "birthplace")
    elif e.kind == "country":
        t.related("capital_population", "capital", "population")
        t.choice("town", "place", "country")
        t.choice("river", "river", "country")
    elif e.kind == "river":
        t.related("country_capital", "country", "capital")
        t.choice("town", "place", "river")
    elif e.kind == "person":
        t.related("birthplace_country", "birthplace", "country")
        t.related("mentor_profession", "mentor", "profession")
        t.article("a_profession", "profession")
        t.article("a_mentor_profession", "mentor_profession")
        t.fixed("age", str(e.attrs["died"] - e.attrs["born"]))
        t.all_of("discoveries", "element", "discoverer", lambda x: x.name)
        t.all_of("described", "species", "describer", lambda x: "the " + x.name)
    elif e.kind == "element":
        t.related("discoverer_profession", "discoverer", "profession")
    elif e.kind == "species":
        t.article("a_class", "class")
        t.related("describer_profession", "describer", "profession")
    return t.fields


_NAMES_CACHE = {}


def _field_names(template: str) -> tuple:
    """The distinct field names of a template, in order of first use."""
    if template not in _NAMES_CACHE:
        names = []
        for _, name, _, _ in string.Formatter().parse(template):
            if name is not None and name not in names:
                names.append(name)
        _NAMES_CACHE[template] = tuple(names)
    return _NAMES_CACHE[template]


_NOISE_OPTIONS = {name: tuple((v, ()) for v in values) for name, values in NOISE.items()}


def _options(fields: dict, name: str):
    return fields[name] if name in fields else _NOISE_OPTIONS[name]


def _usable(template: str, fields: dict) -> bool:
    return all(name in fields or name in NOISE for name in _field_names(template))


def _renderings(template: str, fields: dict) -> list:
    """Every text a template can produce with these fields (for the injectivity check)."""
    values = [{}]
    for name in _field_names(template):
        values = [{**v, name: text} for v in values for text, _ in _options(fields, name)]
    return [template.format_map(v) for v in values]


def assert_prefix_free(texts, where: str = "") -> None:
    """Raise if one of ``texts`` is empty or a prefix of another (duplicates included).

    After sorting, a string that is a prefix of any other is a prefix of its successor.
    """
    texts = sorted(texts)
    if texts and not texts[0]:
        raise AssertionError(f"not injective {where}: an empty segment")
    for a, b in zip(texts, texts[1:]):
        if b.startswith(a):
            raise AssertionError(f"not injective {where}: {a!r} is a prefix of {b!r}")


_LOG = [0.0] + [math.log(n) for n in range(1, 1024)]


class _Writer:
    """Collects a document's text and the log-probability of each random choice made for it."""

    def __init__(self, rng: random.Random):
        self.rng, self.parts, self.facts, self.logprob = rng, [], [], 0.0

    def pick(self, n: int) -> int:
        """A uniform choice among ``n``; adds its log-probability, -ln n, to the document's."""
        if n == 1:
            return 0  # no choice, no randomness consumed
        self.logprob -= _LOG[n] if n < len(_LOG) else math.log(n)
        return uniform_int(self.rng, n)

    def render(self, template: str, fields: dict) -> str:
        values = {}
        for name in _field_names(template):
            options = _options(fields, name)
            value, stated = options[self.pick(len(options))]
            values[name] = value
            self.facts.extend(stated)
        return template.format_map(values)


def _items(world: World, e: Entity, genre: Genre) -> list:
    """The groups a document may state: each a list of ``(template, fields)`` wordings."""
    if genre.members:
        kind, attr = genre.members
        return [[(t, _fields(world, m)) for t in genre.bank[0]] for m in world.members(kind, attr, e.id)]
    fields = _fields(world, e, genre.surname)
    items = [[(t, fields) for t in group if _usable(t, fields)] for group in genre.bank]
    return [item for item in items if item]


def _plans(world: World, e: Entity) -> list:
    """``(genre, headers as written, items)`` for every genre that has something to say about ``e``.

    A pure function of the world, cached on it: documents about the same entity reuse it.
    """
    if e.id not in world._plan_cache:
        plans = []
        for genre in GENRES:
            items = _items(world, e, genre) if genre.kind == e.kind else []
            if items:
                fields = _fields(world, e)
                plans.append((genre, [t for h in genre.headers for t in _renderings(h, fields)], items))
        world._plan_cache[e.id] = plans
    return world._plan_cache[e.id]


def _write_document(rng: random.Random, world: World, check: bool) -> Document:
    w = _Writer(rng)
    e = world.entities[w.pick(len(world.entities))]
    plans = _plans(world, e)
    genre, headers, items = plans[w.pick(len(plans))]
    w.parts.append(headers[w.pick(len(headers))])
    items = list(items)  # the document pops what it states; the cached plan stays whole
    hi = min(genre.hi, len(items))
    lo = min(genre.lo, hi)
    n = lo + w.pick(hi - lo + 1)
    for j in range(n + 1):
        joiner = "" if genre.lines or j == 0 else " "
        end = "\n" if genre.lines else ""
        if check:  # every segment that could come next, as a reader of the text so far sees it
            could = [joiner + r + end for item in items for t, flds in item for r in _renderings(t, flds)]
            could = (could if j < hi else []) + (["\n"] if j >= lo else [])
            assert_prefix_free(could, f"in a {genre.name} document about {e.id}, item {j}")
        if j == n:
            break
        item = items.pop(w.pick(len(items)))
        template, fields = item[w.pick(len(item))]
        w.parts.append(joiner + w.render(template, fields) + end)
    w.parts.append("\n")
    if genre.members:
        w.facts.extend((m.id, genre.members[1], e.name) for m in world.members(*genre.members, e.id))
        entities = (e.id,) + tuple(m.id for m in world.members(*genre.members, e.id))
    else:
        entities = (e.id,) + tuple(dict.fromkeys(eid for eid, _, _ in w.facts if eid != e.id))
    return Document("".join(w.parts), entities, tuple(w.facts), w.logprob, genre.name)


def generate_corpus(
    seed: int = 0, scale: str = "smoke", *, world: World | None = None, n_docs: int | None = None, check: bool = False
) -> list:
    """The documents of the default corpus for ``seed`` and ``scale`` (``"smoke"`` or ``"full"``).

    ``world`` defaults to ``make_world(seed, scale)`` and ``n_docs`` to the scale's count.
    ``check=True`` verifies at every choice point that the text determines the choice (see the
    module docstring); it is slower and never changes the output.
    """
    check_seed(seed)
    if scale not in CORPUS_SIZES:
        raise ValueError(f"scale must be one of {tuple(CORPUS_SIZES)}; got {scale!r}")
    world = make_world(seed, scale) if world is None else world
    n_docs = CORPUS_SIZES[scale]["n_docs"] if n_docs is None else n_docs
    if not isinstance(n_docs, int) or n_docs < 1:
        raise ValueError(f"n_docs must be a positive int; got {n_docs!r}")
    if check:
        headers = [h for e in world.entities for _, hs, _ in _plans(world, e) for h in hs]
        assert_prefix_free(headers, "among document headers")
        if any(SEPARATOR in h for h in headers):
            raise AssertionError("a header contains the separator")
    rng = random.Random(2 * seed + 1)
    return [_write_document(rng, world, check) for _ in range(n_docs)]


def qa_items(world: World, docs=None) -> list:
    """Closed-book questions about the world, one per fact, in world order.

    With ``docs``, only the facts that some document among them states (ask a model only what its
    training documents said). The answer is written exactly as the documents write it, and the
    corpus's ``qa`` documents use the question's wording among others, as ``Q: <question>\nA: <answer>.``

    """
    stated = None if docs is None else set(f for d in docs for f in d.facts)  # membership only
    out = []
    for e in world.entities:
        for attr, questions in QUESTIONS[e.kind].items():
            answer = world.value(e.id, attr)
            if answer is None or (stated is not None and (e.id, attr, answer) not in stated):
                continue
            out.append(QAItem(questions[0].format(N=e.name), answer, e.id, attr))
    return out


# ------------------------------------------------------------------------------------------------
# Training text, statistics, the entropy floor
# ------------------------------------------------------------------------------------------------


def training_text(docs) -> str:
    """The text a model trains on: every document followed by ``SEPARATOR``."""
    return "".join((d if isinstance(d, str) else d.text) + SEPARATOR for d in docs)


def entropy_floor(docs) -> float:
    """Nats per byte no model can beat in expectation on this text (see the module docstring)."""
    docs = list(docs)
    if not docs or any(d.logprob is None for d in docs):
        raise ValueError("entropy_floor needs generated documents (with a logprob); real text has none")
    n_bytes = len(training_text(docs).encode("utf-8"))
    return -math.fsum(d.logprob for d in docs) / n_bytes


def corpus_stats(docs) -> dict:
    """Documents, bytes, tokens (bytes: the tokenizer is byte-level), SHA-256 and, for generated
    text, the entropy floor: the numbers a dataset card reports."""
    docs = list(docs)
    data = training_text(docs).encode("utf-8")
    stats = {
        "documents": len(docs),
        "bytes": len(data),
        "tokens": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if docs and all(getattr(d, "logprob", None) is not None for d in docs):
        stats["floor_nats_per_byte"] = entropy_floor(docs)
        stats["floor_bits_per_byte"] = stats["floor_nats_per_byte"] / math.log(2)
    return stats


# ------------------------------------------------------------------------------------------------
# Real text for lectures: Python's own documentation
# ------------------------------------------------------------------------------------------------

#: Standard-library modules whose docstrings ``python_docs_corpus`` reads, in this fixed order.
PYTHON_DOC_MODULES = (
    "abc",
    "argparse",
    "array",
    "ast",
    "base64",
    "bisect",
    "calendar",
    "cmath",
    "collections",
    "colorsys",
    "contextlib",
    "copy",
    "csv",
    "dataclasses",
    "datetime",
    "decimal",
    "difflib",
    "enum",
    "fnmatch",
    "fractions",
    "functools",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "inspect",
    "io",
    "itertools",
    "json",
    "logging",
    "math",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "pprint",
    "queue",
    "random",
    "re",
    "shlex",
    "shutil",
    "statistics",
    "string",
    "struct",
    "subprocess",
    "tempfile",
    "textwrap",
    "threading",
    "time",
    "timeit",
    "typing",
    "unicodedata",
    "unittest",
    "urllib.parse",
    "uuid",
    "zipfile",
    "zlib",
)


def python_docs_corpus() -> list:
    """Real English from this Python installation: for lectures and exploration only.

    One document per topic of ``pydoc_data.topics.topics`` (the language reference, sorted by
    topic), then one per module of ``PYTHON_DOC_MODULES`` (its docstring and those of the public
    functions and classes it defines, sorted by name). Modules that fail to import are skipped;
    under ``python -OO`` the docstrings are gone and only the topics remain.

    This text differs between Python versions (3.11 and 3.12 differ), so it must never feed an
    exact graded value, and it has no checksum. ``logprob`` is None: nobody knows its entropy.
    License: the Python documentation license (PSF).
    """
    docs = []
    try:
        from pydoc_data.topics import topics
    except ImportError:  # pragma: no cover - some distributions strip it
        topics = {}
    for key in sorted(topics):
        docs.append(Document(topics[key].strip().replace(SEPARATOR, "") + "\n", (f"pydoc:{key}",), (), None, "pydoc"))
    for module_name in PYTHON_DOC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - any failure means: skip this module
            continue
        parts = [f"{module_name}\n\n{inspect.cleandoc(module.__doc__)}"] if module.__doc__ else []
        with warnings.catch_warnings():  # touching typing.io and friends warns
            warnings.simplefilter("ignore")
            for name in sorted(dir(module)):
                obj = getattr(module, name, None)
                if name.startswith("_") or not callable(obj) or getattr(obj, "__module__", None) != module_name:
                    continue
                doc = getattr(obj, "__doc__", None)
                if isinstance(doc, str) and doc.strip():
                    parts.append(f"{module_name}.{name}\n{inspect.cleandoc(doc)}")
        if parts:
            docs.append(
                Document(
                    "\n\n".join(parts).replace(SEPARATOR, "") + "\n", (f"module:{module_name}",), (), None, "docstrings"
                )
            )
    return docs
