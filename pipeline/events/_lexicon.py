"""Trigger lexicon: which words signal which event type, with what weight, and the sentence cues a
trigger needs (or must not have). Data only — matched over lemmas (and lower-cased forms) by the
``wirewatch_events`` component; decided by :mod:`pipeline.events._rules`.

Words are written as lemmas ("strike" covers struck/strikes/striking); a phrase is space-separated.
A trigger's ``needs`` is a tuple of cue groups: each group must have one cue in the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MODALITY_VERBS", "NOT_REAL_MODIFIERS", "NOT_REAL_VERBS", "Trigger", "TRIGGERS", "CUES", "vocabulary"]

CUES: dict[str, frozenset[str]] = {k: frozenset(v.split("|")) for k, v in {
    "aircraft": "plane|warplane|jet|aircraft|drone|helicopter|air force|bomber|gunship|uav|fighter jet|airstrike|"
                "air strike|coalition aircraft|aerial|f-16|sukhoi|mig|quadcopter|multicopter|unmanned aerial vehicle",
    "protest": "protest|protester|protestor|demonstration|demonstrator|rally|march|marcher|sit-in|picket|agitation|"
               "agitator|strike|striker|demonstrate|picketer|dharna|gherao|bandh|hartal",
    "force_on_protest": "open fire|fire on|fire at|shoot|shot|kill|live ammunition|live round|live bullet|beat|"
                        "baton|brutally|injure|wound|lathi|lathicharge|lathi-charge|crush|bullet|excessive force|"
                        "violent crackdown|hit|fatal|killed|death",
    "intervention": "disperse|detain|arrest|tear gas|teargas|tear-gas|water cannon|rubber bullet|stun grenade|"
                    "break up|prevent|stop|block|foil|crackdown|clear|round up|pepper spray|cane|scuffle",
    "riot": "riot|rioter|stone|stone-pelting|pelt|hurl|throw stone|brick|torch|set fire|set ablaze|vandalize|"
            "vandalise|burn|petrol bomb|molotov|clash|smash|ransack|violent|damage|arson|turn violent|rock|"
            "projectile|violence|firecracker|loot",
    "mob": "mob|crowd|villager|vigilante|lynch|resident|angry|group of people|locals|cow vigilante",
    "explosive": "bomb|explosive|ied|device|mine|landmine|explosion|blast|detonate|detonation|explode|booby",
    "weapon": "weapon|arm|ammunition|explosive|bomb|ied|grenade|rocket|missile|mortar|rifle|gun|cache|drone|"
              "mine|landmine|device|munition|shell",
    "territory": "village|town|city|area|district|territory|region|control|base|hill|position|neighborhood|"
                 "neighbourhood|province|airport|outpost|checkpoint|camp|locality|settlement|stronghold|"
                 "county|island|zone|valley|bridge|crossing|road|highway|enclave|front|suburb|oilfield|field",
    "state": "army|troops|troop|military|soldier|government|regime|police|policeman|security force|armed force|"
             "saa|idf|national guard|commando|marine|defence force|defense force|pro-government|loyalist|"
             "government force|state force|federal force|gendarmerie|navy|air force|special force|"
             "peacekeeper|amisom|fardc|fanb|tatmadaw|afghan force|iraqi force|syrian force|security personnel",
    "nonstate": "militant|rebel|insurgent|isis|isil|islamic state|daesh|taliban|shabaab|al-shabaab|boko haram|"
                "jihadist|al-qaeda|qaeda|hts|tahrir|houthi|militia|militiaman|fighter|gunman|separatist|guerrilla|"
                "armed group|terrorist|extremist|sdf|ypg|pkk|jnim|iswap|maoist|naxal|naxalite|"
                "rebel group|armed man|bandit|anti-balaka|ex-seleka|seleka|polisario|hamas|hezbollah|"
                "opposition|free syrian army|fsa|jabhat|nusra|ansar|mai-mai|mai mai|adf|farc|eln|m23",
    "official": "minister|president|prime minister|delegation|ambassador|envoy|diplomat|foreign|secretary|"
                "king|leader|official|chancellor|premier|counterpart|embassy|government|vice president",
    "agreement_object": "deal|agreement|accord|memorandum|treaty|pact|ceasefire|truce|protocol|contract|mou",
    "property": "house|home|shop|store|property|vehicle|car|school|church|mosque|temple|office|building|crop|"
                "livestock|market|hut|business|village|field|hospital|bus|truck|warehouse|station|dwelling",
    "crime": "drug|cartel|gang|smuggling|smuggler|trafficking|trafficker|narcotic|cocaine|heroin|meth|"
             "methamphetamine|cannabis|marijuana|mafia|syndicate|contraband|extortion|ransom|laundering|"
             "poacher|poaching|crime|criminal|robbery|robber|kidnapper|counterfeit|illegal|smuggle|fraud|scam|"
             "theft|thief|steal|bribe|bribery|corruption|steroid|gold|timber|migrant|pornographic|cybercrime|"
             "racket|ring",
    "accident": "accident|crash|collide|collision|derail|capsize|sink|collapse|fire|blaze|leak|spill|explosion|"
                "blast|stampede|short circuit|cylinder|boiler|factory|plant|mine|bus|train|boat|ferry|plane|"
                "truck|building|bridge|refinery|warehouse|chemical|gas",
    "election": "election|vote|ballot|poll|polling|electoral|referendum|candidate|voter|by-election|runoff",
    "disaster": "earthquake|quake|flood|storm|cyclone|hurricane|typhoon|tornado|landslide|tsunami|drought|"
                "rain|rainfall|monsoon|wildfire|volcano|eruption|avalanche|heatwave|heat wave|snow|cold wave",
    "wound": "kill|killed|injure|wound|dead|die|death|casualty|hurt|victim|body",
    "suicide": "suicide|blow himself|blow herself|blew himself|blew herself|self-detonat",
    "claim": "claim|responsibility|blame|accuse|attribute|behind",
    "rpg": "rocket-propelled|rpg|rpgs|rocket propelled",
    "armed_target": "soldier|troop|troops|army|police|policeman|policemen|base|checkpoint|patrol|convoy|"
                    "military post|security force|militant|rebel|fighter|terrorist|insurgent|gendarme|jihadist|"
                    "outpost|military|militiaman|security personnel|officer|position|barrack|garrison|"
                    "peacekeeper|guard|commander",
    "civilian": "civilian|villager|resident|worshipper|student|farmer|woman|women|child|children|passenger|"
                "pilgrim|shopper|teacher|journalist|trader|herder|aid worker|family|tourist|boy|girl|doctor|"
                "shepherd|mourner|wedding|market|school|mosque|church|hospital|refugee|displaced",
    "nonviolent_transfer": "without resistance|without a fight|without fighting|withdraw|withdrawal|"
                           "hand over|handover|handed over|hand control|pull out|pullout|retreat|vacate|evacuate|cede",
    "accident_strict": "accident|crash|collide|collision|derail|capsize|collapse|stampede|leak|spill|"
                       "short circuit|lose control|overturn|catch fire|caught fire|fireworks|plant explode|"
                       "factory|boiler|cylinder",
    "territory_taken": "recover the region|recover territory|recover the area|take control|regain control|"
                       "recapture|retake",
    "female": "woman|women|girl|girls|female",
    "disrupt": "seize|defuse|intercept|discover|find|confiscate|recover|unearth|stash|cache|haul|dismantle|"
               "bomb disposal|sapper|demine|demining|neutralize|neutralise|detect|surrender|thwart|foil|"
               "shoot down|shot down|destroy",
}.items()}


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str
    phrase: str
    weight: float
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


def _many(type_: str, phrases: str, weight: float, needs: tuple[str, ...] = (), unless: tuple[str, ...] = ()):
    return [Trigger(type_, p.strip(), weight, needs, unless) for p in phrases.split("|")]


TRIGGERS: list[Trigger] = [
    # Explosions/Remote violence
    *_many("air_drone_strike", "airstrike|air strike|air-strike|air raid|airraid|aerial bombardment|aerial attack|"
           "drone strike|drone attack|bombing raid|aerial strike|air attack|air bombardment|strafe", 0.95),
    *_many("air_drone_strike", "strike|bomb|pound|hit|target|attack|raid|bombard|fire|shell|bombing|blast|"
           "crash into|explode", 0.8, needs=("aircraft",), unless=("protest",)),
    *_many("shelling_artillery_missile_attack", "shelling|shell|artillery|mortar|rocket|missile|katyusha|"
           "howitzer|barrage|rocket fire|rocket attack|missile attack|projectile|tank fire|grad rocket|"
           "artillery fire|cluster munition|bombardment|shellfire", 0.85, unless=("aircraft",)),
    *_many("remote_explosive_landmine_ied", "ied|improvised explosive device|roadside bomb|landmine|land mine|"
           "car bomb|bomb blast|explosive device|vbied|booby trap|booby-trap|magnetic bomb|sticky bomb|"
           "remote-controlled bomb|pressure plate|bomb explode|bomb go off|mine explode|mine blast", 0.9,
           unless=("suicide",)),
    *_many("remote_explosive_landmine_ied", "explosion|blast|bomb|bombing|detonate|explode|blow up|go off|"
           "plant", 0.6, needs=("explosive", "wound"), unless=("suicide", "aircraft", "accident_strict")),
    *_many("remote_explosive_landmine_ied", "go off|plant a bomb|detonate explosive|detonate|explode|"
           "bomb explode|mine go off", 0.7, needs=("explosive",), unless=("suicide", "aircraft", "accident_strict",
                                                                         "disrupt")),
    *_many("suicide_bomb", "suicide bomber|suicide bombing|suicide attack|suicide car bomb|suicide blast|"
           "suicide vest|explosive vest|suicide attacker|blow himself up|blow herself up|blew himself up|"
           "blew herself up|self-detonate|suicide truck bomb|suicide explosion", 0.97),
    *_many("grenade", "grenade|hand grenade|grenade attack|hurl a grenade|lob a grenade", 0.92,
           unless=("rpg",)),
    *_many("chemical_weapon", "chemical weapon|chemical attack|chlorine gas|chlorine|sarin|mustard gas|nerve agent|"
           "toxic gas|poison gas|chemical agent|chemical munition|vx|phosgene|gas attack|chemical strike", 0.95),
    # Battles
    *_many("armed_clash", "clash|clashes|fighting|gunfight|firefight|gun battle|gunbattle|exchange of fire|"
           "exchange fire|skirmish|battle|ambush|engage|fierce fighting|heavy fighting|shootout|shoot-out|"
           "encounter|counterattack|counter-attack|offensive|assault", 0.72,
           unless=("protest",)),
    *_many("armed_clash", "attack|kill|ambush|storm|raid|open fire|fire on|shoot|shell", 0.7,
           needs=("armed_target",), unless=("civilian", "protest")),
    *_many("_territory", "recapture|retake|regain control|regain|liberate|reclaim|take back|wrest control|"
           "capture|seize|seize control|take control|take over|overrun|overrun|storm|gain control|"
           "push out|drive out|expel|advance into|enter|fall to|control of|recover|drive back|push back|oust|"
           "gain ground|retake|comb|mop up|clear|drive", 0.8, needs=("territory",),
           unless=("protest", "nonviolent_transfer")),
    # Violence against civilians
    *_many("attack", "kill|shoot dead|shot dead|gun down|murder|massacre|behead|execute|execution|stab|"
           "hack to death|open fire|gunman|gunmen|slay|slaughter|shoot|assassinate|assassination|torture|"
           "beat to death|attack|assault|burn alive|killing", 0.55, unless=("accident_strict",)),
    *_many("abduction_forced_disappearance", "abduct|kidnap|abduction|kidnapping|hostage|take hostage|"
           "forcibly disappear|enforced disappearance|forced disappearance|go missing|snatch|whisk away|"
           "held captive|captive|abductor|kidnapper", 0.9),
    *_many("sexual_violence", "rape|gang-rape|gang rape|sexual assault|sexually assault|sexual violence|"
           "sexually abuse|sexual abuse|molest|rapist|sexually harass|sexual harassment|sexual exploitation", 0.95),
    *_many("sexual_violence", "abuse|assault", 0.72, needs=("female",)),
    # Protests and riots
    *_many("peaceful_protest", "protest|protester|protestor|demonstration|demonstrator|rally|sit-in|picket|"
           "march|hunger strike|general strike|go on strike|walkout|vigil|agitation|demonstrate|dharna|"
           "strike work|boycott|chant slogan|shout slogan|take to the street|placard|gherao|bandh|hartal", 0.7),
    *_many("protest_with_intervention", "disperse|tear gas|teargas|tear-gas|water cannon|rubber bullet|"
           "stun grenade|break up|detain|arrest|pepper spray|baton", 0.82, needs=("protest",)),
    *_many("excessive_force_against_protesters", "open fire|fire on|fire at|shoot|kill|live ammunition|live round|"
           "beat|brutally|lathicharge|lathi-charge|lathi charge|crush|bullet|injure|wound|excessive force|"
           "violent crackdown|hit|violently disperse|baton charge|baton-charge", 0.85,
           needs=("protest", "state")),
    *_many("violent_demonstration", "riot|rioter|rioting|stone-pelting|stone pelting|pelt stone|pelt|"
           "throw stone|hurl stone|set fire|set ablaze|torch|vandalize|vandalise|petrol bomb|molotov|"
           "clash|turn violent|go on the rampage|rampage|ransack|violent protest|violent demonstration|hurl rock|"
           "throw rock|hurl|street violence|violence|loot|projectile", 0.86,
           needs=("protest",)),
    *_many("violent_demonstration", "riot|rioter|rioting|stone-pelting|stone pelting", 0.85),
    *_many("mob_violence", "mob|lynch|lynching|vigilante|mob attack|mob violence|angry crowd|mob justice|"
           "jungle justice|beat to death|mob lynching", 0.86),
    # Strategic developments
    *_many("agreement", "agreement|agree|ceasefire|cease-fire|truce|peace deal|peace accord|accord|treaty|"
           "memorandum of understanding|prisoner exchange|prisoner swap|peace agreement|pact|armistice|"
           "sign a deal|reach a deal|strike a deal|peace talk|reconciliation", 0.78),
    *_many("agreement", "sign|deal", 0.55, needs=("agreement_object",)),
    *_many("arrests", "arrest|detain|apprehend|take into custody|nab|round up|detention|custody|"
           "held in custody|remand|jail|imprison|charge|nabbed|apprehension|crackdown", 0.75,
           unless=("protest", "crime")),
    *_many("organized_crime", "arrest|detain|apprehend|nab|catch|caught|intercept|bust|dismantle|smuggle|"
           "break up|charge|seize", 0.74, needs=("crime",), unless=("weapon",)),
    *_many("change_to_group_activity", "defect|defection|reinforce|reinforcement|dispatch|deploy|mobilize|mobilise|"
           "fortify|recruit|merge|disband|pull back|redeploy|set up|form|regroup|train", 0.6,
           unless=("protest",)),
    *_many("change_to_group_activity", "recruit|recruitment|merge|merger|defect|defection|join forces|"
           "pledge allegiance|disband|dissolve|form a new|rebrand|mobilize|mobilise|curfew|impose a curfew|"
           "ban|deploy|deployment|reinforcement|relocate|resign|appoint|new leader|announce the formation|"
           "split|suspend|state of emergency|lockdown|restriction|graduate|training", 0.5),
    *_many("disrupted_weapons_use", "seize|defuse|intercept|discover|find|confiscate|recover|unearth|dismantle|"
           "demine|neutralize|neutralise|thwart|foil|shoot down|shot down", 0.97, needs=("weapon",),
           unless=("territory_taken",)),
    *_many("disrupted_weapons_use", "defuse|defused|bomb disposal|weapons cache|arms cache|cache|seize weapon|"
           "seize arm|seize explosive|recover explosive|recover weapon|intercept|shoot down|shot down|thwart|"
           "foil|dismantle|bomb squad|unexploded|confiscate|seizure|recover|destroy a drone|neutralize|"
           "neutralise|detonate safely|controlled explosion|air defence|air defense|interception|arms haul|"
           "seize ammunition", 0.8, needs=("weapon",)),
    *_many("headquarters_or_base_established", "establish a base|set up a base|set up headquarters|"
           "establish headquarters|new base|establish|set up|build a base|open a base|establish a camp|"
           "set up a camp|establish an outpost|set up checkpoint|establish position|weapons depot|"
           "weapon warehouse|arm depot|weapon store|presence", 0.7, needs=("territory",)),
    *_many("headquarters_or_base_established", "weapon depot|weapon warehouse|arm depot|ammunition depot|"
           "weapon store|arm warehouse|weapon storage|arm storage", 0.72),
    *_many("looting_property_destruction", "loot|looting|plunder|ransack|vandalize|vandalise|torch|set ablaze|"
           "set on fire|set fire|burn down|burn|demolish|destroy|raze|bulldoze|arson|vandalism|pillage|damage",
           0.68, needs=("property",), unless=("protest", "aircraft", "accident")),
    *_many("non_violent_transfer_of_territory", "withdraw|withdrawal|pull out|pullout|hand over|handover|cede|"
           "evacuate|retreat|vacate|redeploy|leave|take over without|without a fight|without resistance|"
           "surrender|abandon|hand control", 0.7, needs=("territory",)),
    *_many("non_violent_transfer_of_territory", "without resistance|without a fight|without fighting|hand over|"
           "handed over|hand control|handover|take over without", 0.9),
    # Beyond ACLED
    *_many("diplomatic_event", "sanction|impose sanction|new sanction|expel diplomat|expel|diplomat|"
           "security council|summon the ambassador|recall ambassador", 0.8, unless=("protest",)),
    *_many("diplomatic_event", "talks|summit|meet|meeting|visit|envoy|ambassador|diplomatic|bilateral|"
           "negotiation|negotiate|sanction|condemn|discuss|call on|urge|telephone|phone call|hold talks|"
           "diplomacy|foreign minister|state visit|recognize|recognition|embassy|consulate|expel|"
           "summon|delegation|mediate|mediation|dialogue|cooperation", 0.55),
    *_many("attribution_of_responsibility", "claim responsibility|claimed responsibility|responsibility for|"
           "claim the attack|blame|accuse|behind the attack|held responsible|hold responsible|attribute|"
           "claim credit|take responsibility|responsible for|blamed", 0.85),
    *_many("organized_crime", "cartel|drug trafficking|drug trafficker|smuggling|smuggler|gang|mafia|narcotic|"
           "cocaine|heroin|money laundering|human trafficking|extortion|organized crime|organised crime|"
           "contraband|drug lord|syndicate|drug bust|drug|methamphetamine|trafficker|gangster|poacher|"
           "poaching|robbery|robber|fraud|scam|theft|smuggle|smuggling ring|fraud ring", 0.72),
    *_many("natural_disaster", "earthquake|quake|tremor|flood|flooding|flash flood|cyclone|hurricane|typhoon|"
           "tornado|landslide|mudslide|tsunami|drought|wildfire|bushfire|forest fire|volcano|eruption|avalanche|"
           "heatwave|heat wave|epidemic|pandemic|outbreak|covid|covid-19|coronavirus|cholera|ebola|locust|"
           "monsoon|heavy rain|torrential rain|lightning|cloudburst|tropical storm|storm surge|severe storm|"
           "winter storm|dust storm|thunderstorm|snowstorm|blizzard|cold wave|famine|"
           "infection|virus|dengue|malaria|measles", 0.85),
    *_many("man_made_disaster", "crash|explode|catch fire|caught fire|collapse|derail|capsize|collide|overturn|"
           "lose control|leak|spill|explosion|blast|fire", 0.74, needs=("accident_strict",),
           unless=("aircraft", "suicide", "nonstate", "protest")),
    *_many("man_made_disaster", "fire break out|fire broke out|blaze|fire|explosion|blast|collapse|"
           "building collapse|stampede|crash|accident|derail|derailment|capsize|sink|leak|spill|gas leak|"
           "oil spill|poisoning|short circuit|cylinder blast|boiler explosion|collide|collision|"
           "plane crash|road accident|mine collapse|bridge collapse|hooch|spurious liquor|toxic|electrocute",
           0.62, unless=("aircraft", "suicide", "nonstate")),
    *_many("air_drone_strike", "use drone|launch drone|send drone|drone", 0.6, needs=("weapon",)),
    *_many("threaten", "threaten|threat|vow to retaliate|vow revenge|ultimatum|retaliate|retaliation|"
           "revenge|avenge|vow|pledge to respond|promise a response|promise revenge|warn of retaliation|"
           "warn of consequence|warn of a response|warn of revenge", 0.7),
    *_many("election", "election|elections|vote|ballot|poll|polling station|electoral|referendum|"
           "by-election|runoff|polling", 0.8),
]


#: The verbs the tagger reads an event's modality from (the verb governing its trigger).
MODALITY_VERBS: dict[str, frozenset[str]] = {
    "threatened": frozenset({"threaten", "vow", "warn", "pledge", "promise", "swear"}),
    "denied": frozenset({"deny", "reject", "dismiss", "refute", "rule"}),
    "planned": frozenset({"plan", "intend", "prepare", "schedule", "aim", "seek", "plot", "propose", "consider",
                          "postpone", "delay"}),
    "reported": frozenset({"say", "report", "claim", "allege", "tell", "state", "announce", "confirm", "accord", "add",
                           "write"}),
}

#: A rehearsal, a simulation or a fiction: verbs whose object does not happen (lemmas, matched in all
#: their forms; not in :func:`vocabulary`, which the classifier's features read), and modifiers that make
#: what they modify, and the trigger under it, one: "staged a mock rescue from a collapsed block".
NOT_REAL_VERBS: frozenset[str] = frozenset({"simulate", "rehearse", "imagine", "pretend", "dramatize", "dramatise",
                                            "practise"})
NOT_REAL_MODIFIERS: frozenset[str] = frozenset({"mock", "simulated", "fictional", "fictitious", "imaginary",
                                                "hypothetical"})


def vocabulary() -> set[str]:
    """Every word of the triggers, cues and modality verbs (their lemmas), for
    :func:`pipeline.events._forms.register`: the tagger and the classifier's features read words through
    the same lemmas, in training as at run time."""
    words = {w for t in TRIGGERS for w in t.phrase.replace("-", " ").split()}
    words |= {w for group in CUES.values() for cue in group for w in cue.replace("-", " ").split()}
    words |= {w for verbs in MODALITY_VERBS.values() for w in verbs}
    return words
