"""The event taxonomy: ACLED event and sub-event types, plus types beyond ACLED (after the CASE 2021
task 2 extension, PLOVER's THREATEN) and the context tag ``election``.

The source of truth for ``schemas/event-taxonomy.json`` (``python -m pipeline.events._taxonomy`` writes it;
``tests/test_events.py`` keeps them equal). PLOVER and CAMEO codes are the nearest equivalents, not
exact mappings; ``None`` where there is none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["EventType", "EVENT_TYPES", "TYPE_IDS", "CATEGORIES", "event_type", "taxonomy_document", "taxonomy_listing",
           "closest_names"]


@dataclass(frozen=True, slots=True)
class EventType:
    id: str
    acled_event_type: str | None
    acled_sub_event_type: str | None
    definition: str
    plover: str | None
    cameo: str | None
    case_code: str | None  # the label in the CASE 2021 task 2 data


_B, _E, _V = "Battles", "Explosions/Remote violence", "Violence against civilians"
_P, _R, _S = "Protests", "Riots", "Strategic developments"

EVENT_TYPES: tuple[EventType, ...] = (
    EventType("armed_clash", _B, "Armed clash",
              "Armed, organised groups fight each other (exchanges of fire, gun battles, ambushes).",
              "FIGHT", "190", "ARMED_CLASH"),
    EventType("government_regains_territory", _B, "Government regains territory",
              "State forces retake territory from a non-state group by fighting.", "FIGHT", "192", "GOV_REGAINS_TERIT"),
    EventType("non_state_actor_overtakes_territory", _B, "Non-state actor overtakes territory",
              "A non-state armed group seizes territory from the state or another group by fighting.",
              "FIGHT", "192", "NON_STATE_ACTOR_OVERTAKES_TER"),
    EventType("air_drone_strike", _E, "Air/drone strike",
              "Aircraft or drones bomb or fire missiles at a target.", "FIGHT", "195", "AIR_STRIKE"),
    EventType("shelling_artillery_missile_attack", _E, "Shelling/artillery/missile attack",
              "Long-range ground weapons: artillery, mortars, rockets, missiles.", "FIGHT", "194", "ART_MISS_ATTACK"),
    EventType("remote_explosive_landmine_ied", _E, "Remote explosive/landmine/IED",
              "Bombs placed or remotely detonated: IEDs, landmines, car bombs without a suicide attacker.",
              "ASSAULT", "1833", "REM_EXPLOS"),
    EventType("suicide_bomb", _E, "Suicide bomb",
              "An attacker detonates explosives on or near themselves.", "ASSAULT", "1831", "SUIC_BOMB"),
    EventType("grenade", _E, "Grenade", "Hand grenades (not rocket-propelled) thrown at a target.",
              "ASSAULT", "183", "GRENADE"),
    EventType("chemical_weapon", _E, "Chemical weapon",
              "Chemical weapons used: chlorine, sarin, mustard or other toxic agents.", "FIGHT", "2041", "CHEM_WEAP"),
    EventType("attack", _V, "Attack",
              "Armed violence against unarmed civilians: killings, shootings, beatings.", "ASSAULT", "18", "ATTACK"),
    EventType("abduction_forced_disappearance", _V, "Abduction/forced disappearance",
              "People kidnapped, taken hostage or disappeared by an armed group or the state.",
              "ASSAULT", "181", "ABDUCT_DISSAP"),
    EventType("sexual_violence", _V, "Sexual violence", "Rape and other sexual violence.", "ASSAULT", "1821", "SEX_VIOL"),
    EventType("peaceful_protest", _P, "Peaceful protest",
              "Demonstrators gather without violence and are not dispersed.", "PROTEST", "141", "PEACE_PROTEST"),
    EventType("protest_with_intervention", _P, "Protest with intervention",
              "A peaceful protest that authorities disperse or obstruct (tear gas, arrests) without lethal force.",
              "PROTEST", "141", "PROTEST_WITH_INTER"),
    EventType("excessive_force_against_protesters", _P, "Excessive force against protesters",
              "Authorities use lethal or grievous force against peaceful protesters.", "ASSAULT", "175",
              "FORCE_AGAINST_PROTEST"),
    EventType("violent_demonstration", _R, "Violent demonstration",
              "Demonstrators use violence or destroy property (riots, stone-throwing, arson).", "PROTEST", "145",
              "VIOL_DEMONSTR"),
    EventType("mob_violence", _R, "Mob violence",
              "A spontaneous crowd attacks people or property (lynchings, vigilante violence).", "ASSAULT", "145",
              "MOB_VIOL"),
    EventType("agreement", _S, "Agreement",
              "Parties agree: ceasefires, peace deals, prisoner exchanges, accords.", "AGREE", "057", "AGREEMENT"),
    EventType("arrests", _S, "Arrests", "Authorities arrest or detain people.", "COERCE", "173", "ARREST"),
    EventType("change_to_group_activity", _S, "Change to group/activity",
              "A group changes: formation, merger, recruitment, deployment, curfews and similar measures.",
              "MOBILIZE", None, "CHANGE_TO_GROUP_ACT"),
    EventType("disrupted_weapons_use", _S, "Disrupted weapons use",
              "An attack is prevented: bombs defused, weapons seized, missiles intercepted.", "COERCE", None,
              "DISR_WEAP"),
    EventType("headquarters_or_base_established", _S, "Headquarters or base established",
              "A group establishes a base, headquarters, outpost or weapons depot.", "MOBILIZE", None,
              "HQ_ESTABLISHED"),
    EventType("looting_property_destruction", _S, "Looting/property destruction",
              "Property looted, torched or destroyed outside fighting.", "COERCE", "1712", "PROPERTY_DISTRUCT"),
    EventType("non_violent_transfer_of_territory", _S, "Non-violent transfer of territory",
              "Territory changes hands without fighting: withdrawals, handovers.", "RETREAT", "0874",
              "NON_VIOL_TERRIT_TRANSFER"),
    EventType("other", _S, "Other", "A politically significant development that fits no other type.", None, None,
              "OTHER"),
    EventType("diplomatic_event", None, None,
              "Diplomatic contact: visits, talks, summits, sanctions, statements between states.", "CONSULT", "04",
              "DIPLO"),
    EventType("attribution_of_responsibility", None, None,
              "Someone claims or is blamed for an event.", "ACCUSE", "112", "ATTRIB"),
    EventType("organized_crime", None, None, "Criminal organisations: drug trafficking, smuggling, gangs.",
              None, None, "ORG_CRIME"),
    EventType("natural_disaster", None, None,
              "Earthquakes, floods, storms, droughts, epidemics and other natural hazards.", None, None,
              "NATURAL_DISASTER"),
    EventType("man_made_disaster", None, None,
              "Accidents and industrial disasters: fires, collapses, crashes, spills.", None, None, "MAN_MADE_DISASTER"),
    EventType("threaten", None, None, "An actor threatens or vows action against another.", "THREATEN", "13", None),
    EventType("election", None, None, "Context tag: the story concerns an election (held, planned or postponed).",
              None, None, None),
)

TYPE_IDS: tuple[str, ...] = tuple(t.id for t in EVENT_TYPES)
#: The ACLED event types ("categories" in rules), in taxonomy order.
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(t.acled_event_type for t in EVENT_TYPES if t.acled_event_type))
_BY_ID = {t.id: t for t in EVENT_TYPES}


def event_type(type_id: str) -> EventType:
    return _BY_ID[type_id]


def taxonomy_document() -> dict:
    """The content of ``schemas/event-taxonomy.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemas.wirewatch.invalid/event-taxonomy.json",
        "title": "wirewatch event taxonomy",
        "description": "Event type ids with their ACLED event/sub-event types, definitions and nearest PLOVER/CAMEO "
                       "equivalents. Generated from pipeline/events/_taxonomy.py.",
        "type": "string",
        "enum": list(TYPE_IDS),
        "x-types": [asdict(t) for t in EVENT_TYPES],
    }


def taxonomy_listing() -> dict:
    """What ``GET /taxonomy`` answers: every event type (id, ACLED category and sub-event type as its name,
    definition, nearest PLOVER/CAMEO codes) and each ACLED category with its types."""
    return {
        "types": [{"id": t.id, "category": t.acled_event_type, "name": t.acled_sub_event_type, "definition": t.definition,
                   "plover": t.plover, "cameo": t.cameo} for t in EVENT_TYPES],
        "categories": {c: [t.id for t in EVENT_TYPES if t.acled_event_type == c] for c in CATEGORIES},
    }


def closest_names(name: str, choices: tuple[str, ...] | list[str], n: int = 3) -> list[str]:
    """The ``choices`` closest to a misspelt ``name`` (case aside; ``difflib``), best first; a choice that
    contains the name, or that the name contains, counts too ("Explosions" → "Explosions/Remote violence")."""
    import difflib

    lowered = {c.lower(): c for c in choices}
    key = name.strip().lower()
    found = [lowered[m] for m in difflib.get_close_matches(key, list(lowered), n=n, cutoff=0.6)]
    if not found and len(key) >= 4:
        found = [c for low, c in lowered.items() if key in low or low in key][:n]
    return found


if __name__ == "__main__":  # python -m pipeline.events._taxonomy > schemas/event-taxonomy.json
    import json
    import sys

    json.dump(taxonomy_document(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
