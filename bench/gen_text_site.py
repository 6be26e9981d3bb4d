#!/usr/bin/env python3
"""Generate two equivalent text-only teaching-case sites for benchmarking.

    python3 bench/gen_text_site.py OUT_DIR --cases 5000 [--seed N] [--hugo-version X.Y.Z]
                                   [--hugo-cards [--font TTF]]

writes
    OUT_DIR/radcase/      a radcase site (config.toml, content/, sections with _index.md)
    OUT_DIR/hugo/         a Hugo site with the same Markdown bodies and its own minimal layouts
    OUT_DIR/hugo-cards/   with --hugo-cards: the same Hugo site (content hard-linked to
                          hugo/'s) whose case pages also make a 1200x630 share card with
                          Hugo's images.Text filter (the title over a plain background PNG,
                          in the TTF font given, by default radcase's NotoSans-Bold) and
                          publish it as og:image, as radcase does for every case page

Every case gets realistic-looking Markdown (headings, paragraphs assembled from a
radiology vocabulary, a bullet list, a table, a footnote) and three taxonomies:
modality (~6 values), system (~10 values) and tags (2-4 per case out of ~300,
Zipf-like frequencies). The output depends only on the arguments: the same seed
gives byte-identical sites.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

SITE_TITLE = "Riverside Radiology Residency — Teaching Cases"
BASE_URL = "https://teaching.example.org/"
SITE_DESCRIPTION = "Teaching cases of the Riverside Radiology Residency, generated for benchmarking."

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

MODALITIES = ["CT", "MRI", "Radiography", "Ultrasound", "Nuclear medicine", "Fluoroscopy"]

# system -> (locations, [(diagnosis, preferred modalities, differential, sex restriction or None)])
SYSTEMS: dict[str, tuple[list[str], list[tuple[str, list[str], list[str], str | None]]]] = {
    "Neuroradiology": (
        ["left frontal lobe", "right parietal lobe", "basal ganglia", "corpus callosum",
         "posterior fossa", "left temporal lobe", "periventricular white matter", "brainstem"],
        [
            ("Acute ischaemic stroke", ["CT", "MRI"], ["Cerebritis", "Low-grade glioma", "Venous infarct"], None),
            ("Glioblastoma", ["MRI"], ["Cerebral abscess", "Metastasis", "Primary CNS lymphoma"], None),
            ("Subdural haematoma", ["CT"], ["Subdural empyema", "Hygroma", "Epidural haematoma"], None),
            ("Multiple sclerosis", ["MRI"], ["Small vessel ischaemia", "ADEM", "Neuromyelitis optica"], None),
            ("Meningioma", ["MRI", "CT"], ["Dural metastasis", "Haemangiopericytoma", "Schwannoma"], None),
            ("Cerebral venous sinus thrombosis", ["CT", "MRI"], ["Arachnoid granulation", "Sinus hypoplasia"], None),
        ],
    ),
    "Head and neck": (
        ["parotid gland", "thyroid gland", "left maxillary sinus", "oropharynx", "larynx",
         "submandibular space", "orbit", "cervical lymph nodes"],
        [
            ("Pleomorphic adenoma", ["MRI", "Ultrasound"], ["Warthin tumour", "Mucoepidermoid carcinoma"], None),
            ("Papillary thyroid carcinoma", ["Ultrasound"], ["Follicular adenoma", "Colloid nodule"], None),
            ("Peritonsillar abscess", ["CT"], ["Tonsillitis", "Lymphoma", "Retropharyngeal abscess"], None),
            ("Orbital cellulitis", ["CT"], ["Preseptal cellulitis", "Orbital pseudotumour"], None),
            ("Branchial cleft cyst", ["CT", "Ultrasound"], ["Necrotic lymph node", "Lymphatic malformation"], None),
        ],
    ),
    "Chest": (
        ["right upper lobe", "left lower lobe", "lingula", "middle lobe", "mediastinum",
         "right hilum", "pleural space", "apical segment"],
        [
            ("Community-acquired pneumonia", ["Radiography", "CT"], ["Atelectasis", "Pulmonary haemorrhage", "Organising pneumonia"], None),
            ("Pulmonary embolism", ["CT", "Nuclear medicine"], ["Mixing artefact", "Tumour embolus"], None),
            ("Primary spontaneous pneumothorax", ["Radiography"], ["Skin fold", "Bulla"], None),
            ("Sarcoidosis", ["CT", "Radiography"], ["Lymphoma", "Silicosis", "Tuberculosis"], None),
            ("Lung adenocarcinoma", ["CT", "Nuclear medicine"], ["Granuloma", "Hamartoma", "Carcinoid"], None),
            ("Idiopathic pulmonary fibrosis", ["CT"], ["Fibrotic NSIP", "Chronic hypersensitivity pneumonitis"], None),
        ],
    ),
    "Cardiac": (
        ["left ventricle", "pericardium", "aortic valve", "right atrium", "interatrial septum",
         "left anterior descending artery", "mitral annulus"],
        [
            ("Hypertrophic cardiomyopathy", ["MRI"], ["Hypertensive heart disease", "Amyloidosis", "Fabry disease"], None),
            ("Pericardial effusion", ["Ultrasound", "CT"], ["Pericardial thickening", "Epicardial fat"], None),
            ("Acute myocarditis", ["MRI"], ["Myocardial infarction", "Takotsubo cardiomyopathy"], None),
            ("Left atrial myxoma", ["Ultrasound", "MRI"], ["Thrombus", "Papillary fibroelastoma"], None),
            ("Coronary artery disease", ["CT"], ["Myocardial bridging", "Coronary anomaly"], None),
        ],
    ),
    "Gastrointestinal": (
        ["right lower quadrant", "liver segment VII", "gallbladder", "pancreatic head",
         "sigmoid colon", "terminal ileum", "splenic flexure", "caecum"],
        [
            ("Acute appendicitis", ["CT", "Ultrasound"], ["Mesenteric adenitis", "Crohn disease", "Epiploic appendagitis"], None),
            ("Acute cholecystitis", ["Ultrasound"], ["Gallbladder wall oedema", "Adenomyomatosis"], None),
            ("Hepatocellular carcinoma", ["CT", "MRI"], ["Dysplastic nodule", "Haemangioma", "Metastasis"], None),
            ("Acute pancreatitis", ["CT"], ["Pancreatic adenocarcinoma", "Autoimmune pancreatitis"], None),
            ("Sigmoid diverticulitis", ["CT"], ["Colon carcinoma", "Epiploic appendagitis", "Colitis"], None),
            ("Small bowel obstruction", ["Radiography", "CT"], ["Paralytic ileus", "Pseudo-obstruction"], None),
        ],
    ),
    "Genitourinary": (
        ["right kidney", "left renal pelvis", "bladder", "prostate", "left ovary", "uterus",
         "right adrenal gland", "left ureter"],
        [
            ("Renal cell carcinoma", ["CT", "MRI"], ["Oncocytoma", "Angiomyolipoma", "Complex cyst"], None),
            ("Obstructing ureteric calculus", ["CT", "Ultrasound"], ["Phlebolith", "Pyelonephritis"], None),
            ("Ovarian torsion", ["Ultrasound"], ["Haemorrhagic cyst", "Ectopic pregnancy"], "female"),
            ("Prostate adenocarcinoma", ["MRI"], ["Prostatitis", "Benign prostatic hyperplasia"], "male"),
            ("Adrenal adenoma", ["CT"], ["Pheochromocytoma", "Adrenal metastasis"], None),
            ("Uterine leiomyoma", ["Ultrasound", "MRI"], ["Adenomyosis", "Leiomyosarcoma"], "female"),
        ],
    ),
    "Musculoskeletal": (
        ["distal radius", "femoral neck", "anterior cruciate ligament", "medial meniscus",
         "rotator cuff", "lumbar spine", "scaphoid", "proximal tibia"],
        [
            ("Scaphoid waist fracture", ["Radiography", "MRI"], ["Bone contusion", "Scapholunate ligament tear"], None),
            ("Anterior cruciate ligament tear", ["MRI"], ["Mucoid degeneration", "Partial tear"], None),
            ("Osteosarcoma", ["Radiography", "MRI"], ["Ewing sarcoma", "Osteomyelitis", "Chondrosarcoma"], None),
            ("Septic arthritis", ["Ultrasound", "MRI"], ["Gout", "Transient synovitis"], None),
            ("Osteoid osteoma", ["CT"], ["Brodie abscess", "Stress fracture"], None),
            ("Femoral neck stress fracture", ["MRI"], ["Transient osteoporosis", "Avascular necrosis"], None),
        ],
    ),
    "Breast": (
        ["upper outer quadrant", "retroareolar region", "axillary tail", "lower inner quadrant",
         "left axilla"],
        [
            ("Invasive ductal carcinoma", ["Ultrasound", "MRI"], ["Fibroadenoma", "Fat necrosis", "Radial scar"], "female"),
            ("Fibroadenoma", ["Ultrasound"], ["Phyllodes tumour", "Complicated cyst"], "female"),
            ("Breast abscess", ["Ultrasound"], ["Inflammatory carcinoma", "Mastitis"], "female"),
            ("Gynaecomastia", ["Ultrasound"], ["Male breast carcinoma", "Pseudogynaecomastia"], "male"),
        ],
    ),
    "Vascular": (
        ["infrarenal aorta", "left common femoral vein", "right internal carotid artery",
         "superior mesenteric artery", "popliteal artery", "portal vein"],
        [
            ("Abdominal aortic aneurysm", ["CT", "Ultrasound"], ["Aortitis", "Retroperitoneal fibrosis"], None),
            ("Deep vein thrombosis", ["Ultrasound"], ["Baker cyst", "Superficial thrombophlebitis"], None),
            ("Aortic dissection", ["CT"], ["Intramural haematoma", "Penetrating ulcer"], None),
            ("Carotid artery stenosis", ["Ultrasound", "CT"], ["Carotid dissection", "Fibromuscular dysplasia"], None),
            ("Acute mesenteric ischaemia", ["CT"], ["Infectious enteritis", "Vasculitis"], None),
        ],
    ),
    "Paediatrics": (
        ["ileocolic region", "pylorus", "left hip", "distal humerus", "thymus", "right kidney"],
        [
            ("Ileocolic intussusception", ["Ultrasound", "Fluoroscopy"], ["Enterocolitis", "Small bowel intussusception"], None),
            ("Hypertrophic pyloric stenosis", ["Ultrasound"], ["Pylorospasm", "Gastro-oesophageal reflux"], None),
            ("Developmental dysplasia of the hip", ["Ultrasound", "Radiography"], ["Ligamentous laxity", "Septic hip"], None),
            ("Supracondylar fracture", ["Radiography"], ["Elbow effusion", "Lateral condyle fracture"], None),
            ("Wilms tumour", ["Ultrasound", "CT"], ["Neuroblastoma", "Mesoblastic nephroma"], None),
            ("Malrotation with midgut volvulus", ["Fluoroscopy", "Ultrasound"], ["Duodenal atresia", "Annular pancreas"], None),
        ],
    ),
}

ADJECTIVES = [
    "ill-defined", "well-circumscribed", "lobulated", "heterogeneous", "homogeneous",
    "rim-enhancing", "non-enhancing", "hypoattenuating", "hyperattenuating", "hypoechoic",
    "hyperechoic", "T2-hyperintense", "T1-hypointense", "spiculated", "septated",
    "calcified", "exophytic", "infiltrative", "expansile", "subtle", "focal", "diffuse",
    "multifocal", "tubular", "wedge-shaped", "crescentic", "patchy",
]
FINDINGS = [
    "opacity", "consolidation", "mass", "nodule", "collection", "fluid collection",
    "fat stranding", "wall thickening", "effusion", "haematoma", "lesion", "cyst",
    "filling defect", "signal abnormality", "oedema", "lucency", "sclerosis",
    "periosteal reaction", "enhancement", "air-fluid level", "thrombus", "calcification",
    "lymphadenopathy", "restricted diffusion", "soft-tissue component", "stricture",
]
FEATURES = [
    "a thin enhancing rim", "central necrosis", "internal vascularity on Doppler",
    "a fat-fluid level", "surrounding vasogenic oedema", "a claw sign", "mass effect",
    "no internal flow", "a target appearance", "posterior acoustic shadowing",
    "a dural tail", "a sclerotic margin", "a wide zone of transition",
    "adjacent reactive lymph nodes", "peripheral nodular enhancement",
    "washout on the delayed phase", "a hyperdense vessel", "free intraperitoneal fluid",
    "loss of the normal fat plane", "a layering fluid level", "early arterial enhancement",
]
SEQUENCES = {
    "CT": ["the portal venous phase", "the arterial phase", "the non-contrast series",
           "lung windows", "bone windows", "the coronal reformats"],
    "MRI": ["T2-weighted images", "diffusion-weighted imaging", "post-gadolinium T1",
            "FLAIR", "susceptibility-weighted imaging", "the ADC map", "STIR"],
    "Radiography": ["the frontal view", "the lateral view", "the oblique projection",
                    "the comparison film", "the horizontal beam view"],
    "Ultrasound": ["greyscale imaging", "colour Doppler", "spectral Doppler",
                   "the transverse sweep", "the high-frequency linear probe"],
    "Nuclear medicine": ["the planar images", "SPECT", "the delayed images",
                         "the fused PET-CT", "the perfusion images"],
    "Fluoroscopy": ["the early filling images", "the spot films", "the post-evacuation image",
                    "the lateral projection", "the double-contrast views"],
}
SIGNALS = ["hyperintense", "hypointense", "isointense", "mildly hyperintense", "markedly hypointense"]
REFERENCES = ["grey matter", "skeletal muscle", "the liver", "the spleen", "cerebrospinal fluid",
              "subcutaneous fat", "the adjacent cortex"]
CLINICAL = ["the inflammatory markers", "prior imaging", "the surgical findings",
            "tumour markers", "the clinical examination", "histopathology", "the laboratory results"]
SYMPTOMS = ["acute abdominal pain", "fever and rigors", "progressive dyspnoea",
            "a palpable lump", "sudden-onset headache", "weight loss", "haematuria",
            "focal weakness", "chest pain", "vomiting", "pain after a fall", "a persistent cough",
            "swelling and erythema", "intermittent claudication", "night sweats"]
DURATIONS = ["two days", "a week", "three weeks", "several months", "24 hours", "six hours", "a year"]
POPULATIONS = ["young adults", "older patients", "children", "middle-aged women",
               "patients with known risk factors", "immunocompromised patients", "smokers"]
MANAGEMENT = ["conservative management", "image-guided drainage", "surgical resection",
              "anticoagulation", "percutaneous biopsy", "endovascular repair",
              "short-interval follow-up imaging", "multidisciplinary team review"]
FACTORS = ["the size of the lesion", "haemodynamic stability", "the patient's age",
           "the presence of complications", "symptom duration", "comorbidities"]
DECADES = ["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]
AUTHORS = ["Smith", "Nguyen", "García", "Okafor", "Müller", "Rossi", "Tanaka", "Kowalski",
           "Haddad", "Johansson", "Patel", "O'Brien", "Dubois", "Cohen", "Silva"]
JOURNALS = ["Radiology", "AJR Am J Roentgenol", "Eur Radiol", "RadioGraphics",
            "Clin Radiol", "Br J Radiol", "Insights Imaging", "Pediatr Radiol"]
SEX_WORDS = {"female": ("woman", "girl"), "male": ("man", "boy")}

TAG_EXTRA = [
    "emergency", "incidental finding", "classic", "pitfall", "board review", "rare",
    "paediatric", "geriatric", "trauma", "oncology", "infection", "inflammation",
    "congenital", "post-operative", "interventional", "contrast reaction", "artefact",
    "normal variant", "follow-up", "staging", "on-call", "must-not-miss", "Doppler",
    "dual-energy CT", "diffusion", "perfusion", "angiography", "biopsy", "screening",
    "mimic", "eponymous sign", "quiz favourite", "multisystem", "vascular malformation",
]


def build_tag_pool(size: int) -> list[str]:
    """`size` distinct tags in popularity order (fixed, independent of the case seed).

    Generic tags ("emergency", "classic", ...) rank first; then diagnoses, differentials,
    findings and adjective+finding combinations in a fixed shuffled order.
    """
    rng = random.Random(20240229)
    generic = list(TAG_EXTRA)
    rng.shuffle(generic)
    seen = {t.lower() for t in generic}
    rest: list[str] = []

    def add(tag: str) -> None:
        if tag.lower() not in seen:
            seen.add(tag.lower())
            rest.append(tag)

    for _locs, diags in SYSTEMS.values():
        for diag, _mods, diffs, _sex in diags:
            add(decap(diag))
            for d in diffs:
                add(decap(d))
    for f in FINDINGS:
        add(f)
    combos = [f"{a} {f}" for a in ADJECTIVES for f in FINDINGS]
    rng.shuffle(combos)
    for c in combos:
        if len(generic) + len(rest) >= size:
            break
        add(c)
    rng.shuffle(rest)
    return (generic + rest)[:size]


# --------------------------------------------------------------------------------------
# Case generation
# --------------------------------------------------------------------------------------

def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


PROPER = {"Crohn", "Wilms", "Warthin", "Ewing", "Baker", "Takotsubo", "Fabry", "Brodie"}


def decap(s: str) -> str:
    """Lower-case a leading capital for use mid-sentence, but keep names and acronyms."""
    first = s.split(" ", 1)[0]
    if first in PROPER or any(ch.isupper() for ch in first[1:]):
        return s
    return s[:1].lower() + s[1:]


def article(word: str) -> str:
    """'a' or 'an' before `word`, including spelled-as-read numbers (an 8-, an 11-, an 18-...)."""
    number = re.match(r"\d+", word)
    if number:
        n = number[0]
        return "an" if n.startswith("8") or n in ("11", "18") else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


class CaseWriter:
    def __init__(self, seed: int, tag_pool: list[str]):
        self.rng = random.Random(seed)
        self.tags = tag_pool
        # Zipf-like popularity: a few tags are common, most are rare.
        self.tag_weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(tag_pool))]
        self.systems = list(SYSTEMS)
        # Uneven system and modality frequencies, like a real teaching file.
        self.system_weights = [14, 5, 16, 4, 15, 10, 14, 4, 6, 12]
        self.modality_weights = {"CT": 40, "MRI": 25, "Radiography": 15, "Ultrasound": 14,
                                 "Nuclear medicine": 3, "Fluoroscopy": 3}

    # -- small building blocks ---------------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def finding(self) -> str:
        return f"{self.pick(ADJECTIVES)} {self.pick(FINDINGS)}"

    def a_finding(self) -> str:
        f = self.finding()
        return f"{article(f)} {f}"

    def findings_sentence(self, c: dict) -> str:
        r = self.rng
        loc = self.pick(c["locations"])
        mod = self.pick(c["modality"])
        templates = [
            lambda: f"There is {self.a_finding()} in the {loc}, measuring {r.randint(4, 95)} mm.",
            lambda: f"No {self.pick(FINDINGS)} is seen in the {self.pick(c['locations'])}.",
            lambda: f"The {loc} demonstrates {self.a_finding()} with {self.pick(FEATURES)}.",
            lambda: f"On {self.pick(SEQUENCES[mod])}, the lesion is {self.pick(SIGNALS)} relative to {self.pick(REFERENCES)}.",
            lambda: f"*{cap(self.pick(FEATURES))}* is noted, in keeping with {decap(c['diagnosis'])}.",
            lambda: f"The {self.pick(c['locations'])} is otherwise unremarkable.",
            lambda: f"Compared with the study from {r.randint(2, 18)} months earlier, the {self.pick(FINDINGS)} has {self.pick(['increased', 'decreased', 'remained stable'])}.",
            lambda: f"There is **{self.pick(FEATURES)}**, which is the key finding on {self.pick(SEQUENCES[mod])}.",
            lambda: f"Correlation with {self.pick(CLINICAL)} is recommended.",
        ]
        return self.pick(templates)()

    def discussion_sentence(self, c: dict) -> str:
        r = self.rng
        diag = c["diagnosis"]
        alt = self.pick(c["differential"])
        templates = [
            lambda: f"{diag} typically presents with {self.pick(SYMPTOMS)} in {self.pick(POPULATIONS)}.",
            lambda: f"The key imaging feature is {self.pick(FEATURES)}, which helps to distinguish it from {decap(alt)}.",
            lambda: f"Management depends on {self.pick(FACTORS)}; {self.pick(MANAGEMENT)} is usually performed.",
            lambda: f"Incidence peaks in the {self.pick(DECADES)} decade, with a {r.randint(2, 4)}:1 {self.pick(['female', 'male'])} predominance.",
            lambda: f"{cap(alt)} can look similar, but it usually lacks {self.pick(FEATURES)}.",
            lambda: f"Reported sensitivity of {self.pick(c['modality'])} is around {r.randint(70, 98)}% with a specificity of {r.randint(75, 99)}%.",
            lambda: f"Beware the \"{self.pick(ADJECTIVES)} {self.pick(FINDINGS)}\" mimic — it is a common pitfall on call.",
            lambda: f"Follow-up with {self.pick(MODALITIES)} after {self.pick(DURATIONS)} is reasonable when the diagnosis is uncertain.",
        ]
        return self.pick(templates)()

    def paragraph(self, make, c: dict, lo: int, hi: int) -> str:
        return " ".join(make(c) for _ in range(self.rng.randint(lo, hi)))

    def reference(self) -> str:
        r = self.rng
        year = r.randint(1998, 2024)
        vol = r.randint(20, 310)
        page = r.randint(1, 1800)
        return (f"{self.pick(AUTHORS)} {chr(r.randint(65, 90))} et al. *{self.pick(JOURNALS)}* "
                f"{year};{vol}:{page}–{page + r.randint(4, 14)}.")

    # -- whole case --------------------------------------------------------------------
    def case(self, number: int) -> dict:
        r = self.rng
        system = r.choices(self.systems, weights=self.system_weights)[0]
        locations, diags = SYSTEMS[system]
        diag, pref_mods, base_diff, sex_only = self.pick(diags)

        mods = [self.pick(pref_mods) if r.random() < 0.8
                else r.choices(list(self.modality_weights), weights=list(self.modality_weights.values()))[0]]
        if r.random() < 0.25:
            other = r.choices(list(self.modality_weights), weights=list(self.modality_weights.values()))[0]
            if other not in mods:
                mods.append(other)

        sex = sex_only or self.pick(["female", "male"])
        age = r.randint(0, 17) if system == "Paediatrics" else r.randint(18, 89)
        person = SEX_WORDS[sex][1 if age < 18 else 0]
        age_word = f"{age}-year-old" if age >= 1 else f"{r.randint(2, 11)}-month-old"
        if age == 0:
            age = 1  # radcase wants an integer; the title carries the months

        differential = list(base_diff)
        r.shuffle(differential)
        differential = differential[: r.randint(2, max(2, len(differential)))]
        if r.random() < 0.4:
            extra = self.pick([d for d, *_ in diags if d != diag])
            if extra not in differential:
                differential.append(extra)

        k = r.randint(2, 4)
        tags: list[str] = []
        while len(tags) < k:
            t = r.choices(self.tags, weights=self.tag_weights)[0]
            if t not in tags:
                tags.append(t)

        start = dt.date(2012, 1, 1)
        date = start + dt.timedelta(days=r.randrange((dt.date(2024, 12, 31) - start).days + 1))

        c = {
            "number": number,
            "title": f"{diag} in {article(age_word)} {age_word} {person}",
            "date": date,
            "system": system,
            "modality": mods,
            "tags": tags,
            "age": age,
            "sex": sex,
            "presentation": f"{cap(age_word)} {person} with {self.pick(SYMPTOMS)} for {self.pick(DURATIONS)}.",
            "diagnosis": diag,
            "differential": differential,
            "locations": locations,
        }
        c["teaching_points"] = [self.discussion_sentence(c) for _ in range(r.randint(2, 4))]
        c["body"] = self.body(c)
        return c

    def body(self, c: dict) -> str:
        r = self.rng
        mod = c["modality"][0]
        intro = (f"{c['presentation']} {mod} was performed "
                 f"{self.pick(['on arrival', 'the following morning', 'after an inconclusive radiograph', 'as an outpatient'])}. "
                 + self.paragraph(self.findings_sentence, c, 1, 2))
        parts = [intro, "{{MORE}}", "## Findings",
                 self.paragraph(self.findings_sentence, c, 3, 6)]
        bullets = []
        for _ in range(r.randint(3, 5)):
            item = f"{cap(self.finding())} in the {self.pick(c['locations'])}"
            if r.random() < 0.3:
                item = f"**{item}**"
            if r.random() < 0.3:
                item += f" ({self.pick(SEQUENCES[mod])})"
            bullets.append(f"- {item}")
        parts.append("\n".join(bullets))
        rows = ["| Structure | Finding | Size (mm) |", "| --- | --- | ---: |"]
        for _ in range(r.randint(2, 4)):
            rows.append(f"| {cap(self.pick(c['locations']))} | {self.finding()} | {r.randint(3, 120)} |")
        parts.append("\n".join(rows))
        parts.append(self.paragraph(self.findings_sentence, c, 2, 4))
        parts.append("## Discussion")
        parts.append(self.paragraph(self.discussion_sentence, c, 3, 5) + "[^1]")
        parts.append(self.paragraph(self.discussion_sentence, c, 2, 4))
        if r.random() < 0.5:
            parts.append(f"> {self.discussion_sentence(c)}")
        parts.append(f"[^1]: {self.reference()}")
        return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------

def q(s: str) -> str:
    """A TOML basic string (JSON string syntax is a subset TOML accepts)."""
    return json.dumps(s, ensure_ascii=False)


def qlist(items: list[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def radcase_case(c: dict) -> str:
    fm = [
        f"title = {q(c['title'])}",
        f"date = {c['date'].isoformat()}",
        f"tags = {qlist(c['tags'])}",
        f"modality = {qlist(c['modality'])}",
        f"system = {qlist([c['system']])}",
        f"age = {c['age']}",
        f"sex = {q(c['sex'])}",
        f"presentation = {q(c['presentation'])}",
        f"diagnosis = {q(c['diagnosis'])}",
        f"differential = {qlist(c['differential'])}",
        f"teaching_points = {qlist(c['teaching_points'])}",
    ]
    return "+++\n" + "\n".join(fm) + "\n+++\n\n" + c["body"].replace("{{MORE}}", "<!-- more -->")


def hugo_case(c: dict) -> str:
    fm = [
        f"title = {q(c['title'])}",
        f"date = {c['date'].isoformat()}",
        f"tags = {qlist(c['tags'])}",
        f"modality = {qlist(c['modality'])}",
        f"system = {qlist([c['system']])}",
        "",
        "[params]",
        f"age = {c['age']}",
        f"sex = {q(c['sex'])}",
        f"presentation = {q(c['presentation'])}",
        f"diagnosis = {q(c['diagnosis'])}",
        f"differential = {qlist(c['differential'])}",
        f"teaching_points = {qlist(c['teaching_points'])}",
    ]
    # Hugo's manual summary divider is exactly <!--more--> (no spaces).
    return "+++\n" + "\n".join(fm) + "\n+++\n\n" + c["body"].replace("{{MORE}}", "<!--more-->")


HOME_BODY = ("Welcome to the teaching file. Cases are grouped by **modality**, **system** "
             "and free-form **tags**; the newest cases come first.\n")
CASES_BODY = "All teaching cases, newest first.\n"


def write_radcase(root: Path, cases: list[dict]) -> None:
    write(root / "config.toml",
          f"title = {q(SITE_TITLE)}\n"
          f"base_url = {q(BASE_URL)}\n"
          f"description = {q(SITE_DESCRIPTION)}\n"
          "# taxonomies: the defaults (tags, modality, system)\n")
    write(root / "content" / "_index.md", f"+++\ntitle = {q(SITE_TITLE)}\n+++\n\n{HOME_BODY}")
    write(root / "content" / "cases" / "_index.md",
          '+++\ntitle = "Cases"\npage_kind = "case"\nsort_by = "date"\npaginate_by = 10\n+++\n\n'
          + CASES_BODY)
    width = max(4, len(str(len(cases))))
    for c in cases:
        write(root / "content" / "cases" / f"case-{c['number']:0{width}d}.md", radcase_case(c))


def parse_version(text: str) -> tuple[int, int, int]:
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not m:
        raise ValueError(f"cannot read a Hugo version from {text!r}")
    return int(m[1]), int(m[2]), int(m[3] or 0)


def detect_hugo_version() -> tuple[int, int, int]:
    exe = shutil.which("hugo")
    if exe:
        try:
            out = subprocess.run([exe, "version"], capture_output=True, text=True, check=True).stdout
            return parse_version(out)
        except (subprocess.CalledProcessError, ValueError, OSError):
            pass
    return (0, 111, 0)  # Debian bookworm's Hugo


def hugo_config(version: tuple[int, int, int]) -> str:
    lines = [
        f"baseURL = {q(BASE_URL)}",
        f"title = {q(SITE_TITLE)}",
        'languageCode = "en"',
        "disableKinds = []",
    ]
    # Page size key: `paginate` until 0.127, `[pagination] pagerSize` from 0.128 on.
    # Feed length: `rssLimit` until 0.113, `[services.rss] limit` from 0.114 on.
    if version < (0, 114, 0):
        lines.append("rssLimit = 20")
    if version < (0, 128, 0):
        lines.append("paginate = 10")
    lines += [
        "",
        "[taxonomies]",
        'tag = "tags"',
        'modality = "modality"',
        'system = "system"',
        "",
        "[outputs]",
        'home = ["HTML", "RSS"]',
        'section = ["HTML", "RSS"]',
        'taxonomy = ["HTML"]',
        'term = ["HTML"]',
        "",
        "[markup.goldmark.renderer]",
        "unsafe = true",
        "",
        "[markup.goldmark.extensions]",
        "footnote = true",
        "table = true",
        "strikethrough = true",
        "taskList = true",
        "typographer = true",
    ]
    if version >= (0, 114, 0):
        lines += ["", "[services.rss]", "limit = 20"]
    if version >= (0, 128, 0):
        lines += ["", "[pagination]", "pagerSize = 10"]
    return "\n".join(lines) + "\n"


HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} | {{ .Site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header>
<a class="site-title" href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav>
<a href="{{ "/cases/" | relURL }}">Cases</a>
<a href="{{ "/modality/" | relURL }}">Modality</a>
<a href="{{ "/system/" | relURL }}">System</a>
<a href="{{ "/tags/" | relURL }}">Tags</a>
</nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ .Site.Title }}</p></footer>
</body>
</html>
""",
    "partials/terms.html": """{{ $page := . }}
<dl class="taxonomies">
{{ range $tax := slice "modality" "system" "tags" }}
{{ with $page.GetTerms $tax }}
<dt>{{ $tax | humanize }}</dt>
<dd>{{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</dd>
{{ end }}
{{ end }}
</dl>
""",
    "partials/pagelist.html": """{{ range .Pages }}
<article class="summary">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
<div>{{ .Summary }}</div>
</article>
{{ end }}
""",
    "partials/pager.html": """{{ with . }}{{ if gt .TotalPages 1 }}
<nav class="pagination">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">Previous</a>{{ end }}
<span>Page {{ .PageNumber }} of {{ .TotalPages }}</span>
{{ with .Next }}<a rel="next" href="{{ .URL }}">Next</a>{{ end }}
</nav>
{{ end }}{{ end }}
""",
    "index.html": """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ .Content }}
<h2>Latest cases</h2>
{{ partial "pagelist.html" (dict "Pages" (first 10 (where .Site.RegularPages "Section" "cases").ByDate.Reverse)) }}
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
{{ partial "pagelist.html" $pager }}
{{ partial "pager.html" $pager }}
{{ end }}
""",
    "404.html": """{{ define "main" }}
<h1>Page not found</h1>
<p><a href="{{ "/" | relURL }}">Back to the home page</a></p>
{{ end }}
""",
    "_default/single.html": """{{ define "main" }}
<article class="case">
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ partial "terms.html" . }}
<div class="content">
{{ .Content }}
</div>
</article>
{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
""",
    # Like radcase's default theme, a term page lists all its pages on one page.
    "_default/term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} pages</p>
{{ partial "pagelist.html" (dict "Pages" .Pages.ByDate.Reverse) }}
{{ end }}
""",
}


def write_hugo(root: Path, cases: list[dict], version: tuple[int, int, int]) -> None:
    write(root / "config.toml", hugo_config(version))
    for name, text in HUGO_LAYOUTS.items():
        write(root / "layouts" / name, text)
    write(root / "content" / "_index.md", f"+++\ntitle = {q(SITE_TITLE)}\n+++\n\n{HOME_BODY}")
    write(root / "content" / "cases" / "_index.md", f'+++\ntitle = "Cases"\n+++\n\n{CASES_BODY}')
    width = max(4, len(str(len(cases))))
    for c in cases:
        write(root / "content" / "cases" / f"case-{c['number']:0{width}d}.md", hugo_case(c))


# --------------------------------------------------------------------------------------
# Hugo with share cards
# --------------------------------------------------------------------------------------

CARD_WIDTH, CARD_HEIGHT = 1200, 630
CARD_BACKGROUND = (0x12, 0x17, 0x1D)  # close to radcase's card background
DEFAULT_FONT = Path(__file__).resolve().parent.parent / "themes" / "default" / "fonts" / "NotoSans-Bold.ttf"

# The card: the page title over the background, wrapped by Hugo at the image width, in the
# bold font at 64 px (radcase's card title is about that size). Filtering a global resource
# gives a new image per distinct title; its Permalink publishes it (at the site root).
HUGO_CARD_PARTIAL = """{{ $bg := resources.Get "card-bg.png" }}
{{ $font := resources.Get "fonts/NotoSans-Bold.ttf" }}
{{ $card := $bg.Filter (images.Text .Title (dict "font" $font "size" 64 "linespacing" 14 "color" "#f5f7fa" "x" 72 "y" 120)) }}
<meta property="og:image" content="{{ $card.Permalink }}">
<meta property="og:image:width" content="{{ $card.Width }}">
<meta property="og:image:height" content="{{ $card.Height }}">
"""


def plain_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A PNG of one colour (8-bit RGB), without any imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height, 9))
            + chunk(b"IEND", b""))


def link_tree(src: Path, dst: Path) -> None:
    """dst mirrors src, every file a hard link (a copy where links are not possible)."""
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.hardlink_to(path)
        except OSError:
            shutil.copyfile(path, target)


def write_hugo_cards(root: Path, hugo_site: Path, version: tuple[int, int, int], font: Path) -> None:
    """The Hugo site of `hugo_site` plus a share card per case page (see HUGO_CARD_PARTIAL)."""
    write(root / "config.toml", hugo_config(version))
    for name, text in HUGO_LAYOUTS.items():
        if name == "_default/baseof.html":
            card = '{{ if and .IsPage (eq .Section "cases") }}{{ partial "card.html" . }}{{ end }}\n'
            text = text.replace("</head>", card + "</head>", 1)
        write(root / "layouts" / name, text)
    write(root / "layouts" / "partials" / "card.html", HUGO_CARD_PARTIAL)
    (root / "assets" / "fonts").mkdir(parents=True, exist_ok=True)
    (root / "assets" / "card-bg.png").write_bytes(plain_png(CARD_WIDTH, CARD_HEIGHT, CARD_BACKGROUND))
    shutil.copyfile(font, root / "assets" / "fonts" / "NotoSans-Bold.ttf")
    link_tree(hugo_site / "content", root / "content")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="folder to create radcase/ and hugo/ in")
    ap.add_argument("--cases", type=int, default=5000, help="number of cases (default 5000)")
    ap.add_argument("--seed", type=int, default=1, help="PRNG seed (default 1)")
    ap.add_argument("--tags", type=int, default=300, help="size of the tag vocabulary (default 300)")
    ap.add_argument("--hugo-version", help="Hugo version to write config for "
                    "(default: ask `hugo version`, else 0.111)")
    ap.add_argument("--hugo-cards", action="store_true",
                    help="also write hugo-cards/: the Hugo site with a share card per case page")
    ap.add_argument("--font", type=Path, default=DEFAULT_FONT,
                    help="TTF font of the Hugo share cards (default: radcase's NotoSans-Bold)")
    args = ap.parse_args(argv)
    if args.cases < 1:
        ap.error("--cases must be at least 1")
    if args.hugo_cards and not args.font.is_file():
        ap.error(f"--font {args.font}: no such file")

    version = parse_version(args.hugo_version) if args.hugo_version else detect_hugo_version()
    out: Path = args.out_dir
    for sub in ("radcase", "hugo", "hugo-cards"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)

    writer = CaseWriter(args.seed, build_tag_pool(args.tags))
    cases = [writer.case(n) for n in range(1, args.cases + 1)]
    write_radcase(out / "radcase", cases)
    write_hugo(out / "hugo", cases, version)
    sites = f"{out}/radcase and {out}/hugo"
    if args.hugo_cards:
        write_hugo_cards(out / "hugo-cards", out / "hugo", version, args.font)
        sites = f"{out}/radcase, {out}/hugo and {out}/hugo-cards"

    words = sum(len(c["body"].split()) for c in cases)
    print(f"wrote {len(cases)} cases ({words} body words) to {sites} "
          f"(Hugo config for {'.'.join(map(str, version))})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
