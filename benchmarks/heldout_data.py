"""A second, independent source of labelled member exports for held-out testing.

Pehchaan's matcher is trained and tuned on ``dedup/synthetic*``.  A matcher
tuned on one generator learns that generator's quirks, so accuracy measured
there says little about a real state export.  This module was written
*without reading* that generator, the name normaliser or the model, from a
different starting point: how a block bookkeeper actually enters a woman's
profile, twice, years apart, on a phone.

What it models (all choices are this module's own):

* Regions with their own naming habits, name lists and scripts: Odisha (Odia),
  West Bengal (Bengali), Assam (Assamese), Jharkhand and Bihar (Devanagari,
  tribal and non-tribal), Rajasthan / Madhya Pradesh (Bai / Kanwar), Maharashtra
  (given + husband + surname), Gujarat (-ben / -bhai), Tamil Nadu (initials),
  Telangana / Andhra (family name first), Karnataka (-amma), Kerala (house
  initials, Nair / Amma, Christian and Muslim names).  Every name carries the
  spellings people really write (Laxmi / Lakshmi / Luxmi) and one native-script
  form typed by hand here.
* Households: mother-in-law and daughter-in-law, wives of brothers, mother and
  unmarried daughter, sharing a surname, a phone and sometimes an account.
* Namesakes: names are drawn from skewed lists, so a village of ~100 women has
  several "Laxmi Devi"s with different husbands and ages.
* Duplicate records (~30 % of persons, a few with three records), each with one
  main difficulty recorded in truth ``case``:
  ``reentry`` (same spelling, entered again), ``respelling``, ``typo``,
  ``format`` (honorific, W/O in the name field, title or initial moved,
  Kumar -> Kr.), ``script`` (the name typed in the state's script),
  ``marriage`` (maiden record with the father in the natal village vs married
  record with the husband), ``sparse`` (most fields blank).
* Ages that drift (age entered years ago and never updated, rounded to 5),
  dates in mixed formats, mobiles in mixed formats, the SHG bookkeeper's own
  phone typed for many members, Aadhaar full (valid Verhoeff) / masked /
  missing / mistyped, bank accounts full / masked / missing.

``make_heldout(n_persons, seed)`` returns ``(members, truth)``; the committed
file in ``tests/data/heldout`` is ``write_committed()`` plus hand-written rows
(``tests/data/heldout/handwritten.csv``) appended.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

EXPORT_COLUMNS = [
    "member_id", "state", "district", "block", "panchayat", "village", "shg_id", "shg_name",
    "member_name", "relation_type", "relation_name", "gender", "dob", "age", "mobile",
    "aadhaar", "bank_account", "ifsc",
]
TRUTH_COLUMNS = ["member_id", "person_id", "case", "place", "household_id", "name_key"]
EXPORT_YEAR = 2025          # ages in the export are "as of" this year; pass it as as_of_year
CASES = ("reentry", "respelling", "typo", "format", "script", "marriage", "sparse")
COMMITTED_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "heldout"
COMMITTED_PERSONS = 2250
COMMITTED_SEED = 20250


# --------------------------------------------------------------------------- Verhoeff / Aadhaar
# The Verhoeff dihedral-group check digit, written from the public algorithm
# (Verhoeff 1969; UIDAI uses it for the 12th Aadhaar digit).  Kept here on
# purpose: this module must not share code with the product it tests.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]
_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_check_digit(digits: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


def verhoeff_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


def aadhaar_valid(number: str) -> bool:
    """12 digits, not starting 0 or 1, Verhoeff check digit correct."""
    d = "".join(ch for ch in number if ch.isdigit())
    return len(d) == 12 and d[0] in "23456789" and verhoeff_valid(d)


def new_aadhaar(rng: random.Random) -> str:
    body = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    return body + verhoeff_check_digit(body)


# --------------------------------------------------------------------------- name tables
@dataclass(frozen=True)
class Name:
    """One name as people write it: spellings in Latin (most usual first) and one native form."""

    key: str
    latin: tuple[str, ...]
    native: str


def _names(block: str) -> tuple[Name, ...]:
    out = []
    for line in block.replace(";", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        latin, native = line.split("=")
        variants = tuple(v.strip() for v in latin.split("|") if v.strip())
        out.append(Name(variants[0], variants, native.strip()))
    return tuple(out)


@dataclass(frozen=True)
class Community:
    female: tuple[Name, ...]
    male: tuple[Name, ...]
    surnames: tuple[Name, ...]
    married_titles: tuple[Name, ...] = ()
    maiden_titles: tuple[Name, ...] = ()
    middles: tuple[Name, ...] = ()        # Kumar, Prasad, Chandra in a man's name
    prefixes: tuple[Name, ...] = ()       # Md. before a man's name
    style: str = "north"                  # how a woman's name is put together (STYLES)
    rel_style: str = "north"              # how her husband's / father's name is written
    same_surname_marriage: float = 0.0    # share of brides whose father has the husband's surname
    middle_share: float = 0.0
    prefix_share: float = 0.0


@dataclass(frozen=True)
class Region:
    code: str
    script: str
    geography: tuple[tuple[str, str, tuple[str, ...]], ...]   # (state, district, blocks)
    villages: tuple[str, ...]
    communities: tuple[tuple[float, Community], ...]
    shg_names: tuple[str, ...]
    honorifics: tuple[str, ...]           # Latin honorifics written before the name
    native_honorific: str
    banks: tuple[tuple[str, int], ...]    # IFSC bank code, account length
    house_initials: tuple[str, ...] = ()  # Kerala-style house-name initials


# Devanagari names used in more than one region.
_DEV_TITLES = _names("Devi|Debi=देवी")
_DEV_KUMARI = _names("Kumari|Kumaari=कुमारी")
_DEV_MIDDLES = _names("Kumar=कुमार; Prasad=प्रसाद")
_MUSLIM_PREFIX_DEV = _names("Md.|Md|Mohammad|Mohd.=मो०")
_MUSLIM_PREFIX_BN = _names("Md.|Md|Mohammad|Mohd=মোঃ")

ODISHA = Region(
    code="OD", script="odia",
    geography=(("Odisha", "Kendrapara", ("Marshaghai", "Derabish", "Rajkanika")),
               ("Odisha", "Ganjam", ("Digapahandi", "Chikiti"))),
    villages=("Batighar", "Kusupur", "Nuagaon", "Balisahi", "Kendupatna", "Tikarapada",
              "Bahadalpur", "Gopinathpur", "Sanapada", "Haripur", "Jagannathpur", "Kantapada"),
    communities=((1.0, Community(
        female=_names("""
            Parbati|Parvati|Parvathi|Parwati=ପାର୍ବତୀ; Sabitri|Savitri|Sabitree=ସାବିତ୍ରୀ
            Laxmi|Lakshmi|Luxmi|Laxmee=ଲକ୍ଷ୍ମୀ; Basanti|Vasanti|Basonti=ବସନ୍ତୀ; Kuni|Kunni=କୁନି
            Mamata|Mamta=ମମତା; Sujata|Sujatha=ସୁଜାତା; Pramila|Promila|Parmila=ପ୍ରମିଳା
            Kabita|Kavita|Kobita=କବିତା; Sasmita|Sashmita|Susmita=ସସ୍ମିତା
            Gitanjali|Geetanjali=ଗୀତାଞ୍ଜଳି; Sumitra|Sumittra=ସୁମିତ୍ରା; Kamala|Kamla=କମଳା
            Rashmita|Rasmita=ରଶ୍ମିତା; Bijayalaxmi|Vijayalakshmi|Bijaylaxmi=ବିଜୟଲକ୍ଷ୍ମୀ
            Anjali|Anjalee=ଅଞ୍ଜଳି; Manju|Monju=ମଞ୍ଜୁ; Sabita|Savita=ସବିତା; Kuntala|Kuntla=କୁନ୍ତଳା
            Sanjukta|Sanjuktaa=ସଂଯୁକ୍ତା; Puspa|Pushpa=ପୁଷ୍ପ; Sarojini|Sarojni=ସରୋଜିନୀ
            Tulasi|Tulsi=ତୁଳସୀ; Jyotsna|Jyostna=ଜ୍ୟୋତ୍ସ୍ନା"""),
        male=_names("""
            Bhagaban|Bhagwan|Bhagabana=ଭଗବାନ; Prasanta|Prashant|Prasant=ପ୍ରଶାନ୍ତ
            Sanatan|Sanatana=ସନାତନ; Kalia|Kaliya=କାଳିଆ; Sukanta|Sukant=ସୁକାନ୍ତ
            Bijay|Vijay|Bijaya=ବିଜୟ; Ramesh=ରମେଶ; Trilochan|Trilochana=ତ୍ରିଲୋଚନ
            Niranjan|Niranjana=ନିରଞ୍ଜନ; Dillip|Dilip=ଦିଲ୍ଲୀପ; Sarat|Sharat=ଶରତ
            Ganesh|Ganesha=ଗଣେଶ; Hrushikesh|Hrishikesh|Rushikesh=ହୃଷୀକେଶ; Sudam|Sudama=ସୁଦାମ
            Akshaya|Akhaya|Akshay=ଅକ୍ଷୟ; Debendra|Devendra=ଦେବେନ୍ଦ୍ର; Bipin|Bipina=ବିପିନ
            Laxman|Lakshman|Lachhman=ଲକ୍ଷ୍ମଣ; Pradeep|Pradip=ପ୍ରଦୀପ; Kailash|Kailas=କୈଳାସ
            Sushanta|Susanta=ସୁଶାନ୍ତ; Rabindra|Rabindar=ରବୀନ୍ଦ୍ର; Pitambar|Pitamber=ପୀତାମ୍ବର; Dhruba|Dhruva=ଧ୍ରୁବ; Manoj=ମନୋଜ
            Sarbeswar|Sarveswar=ସର୍ବେଶ୍ୱର; Gopinath|Gopinatha=ଗୋପୀନାଥ; Jagannath|Jagnath=ଜଗନ୍ନାଥ; Surendra|Surendar=ସୁରେନ୍ଦ୍ର
            Bishnu|Vishnu=ବିଷ୍ଣୁ; Narayan|Narayana=ନାରାୟଣ; Abhimanyu|Abhimanu=ଅଭିମନ୍ୟୁ; Kartik|Kartika=କାର୍ତ୍ତିକ; Ranjan=ରଞ୍ଜନ"""),
        surnames=_names("""
            Behera=ବେହେରା; Sahoo|Sahu=ସାହୁ; Nayak|Naik=ନାୟକ; Pradhan=ପ୍ରଧାନ; Swain|Swin=ସ୍ୱାଇଁ
            Mohanty|Mahanty=ମହାନ୍ତି; Das=ଦାସ; Jena=ଜେନା; Rout|Raut=ରାଉତ; Majhi|Manjhi=ମାଝୀ
            Barik=ବାରିକ; Sethi=ସେଠୀ; Mallick|Malik=ମଲ୍ଲିକ; Biswal=ବିଶ୍ୱାଳ"""),
        married_titles=_names("Dei=ଦେଇ; Devi|Debi=ଦେବୀ"),
        middles=_names("Kumar=କୁମାର; Chandra=ଚନ୍ଦ୍ର; Charan=ଚରଣ"),
        style="east", rel_style="east", same_surname_marriage=0.15, middle_share=0.3)),),
    shg_names=("Maa Tarini SHG", "Maa Mangala SHG", "Jay Jagannath SHG", "Maa Santoshi SHG",
               "Biswa Jyoti SHG", "Maa Sarala Mahila SHG", "Jai Maa Durga SHG", "Nari Shakti SHG"),
    honorifics=("Smt.", "Smt", "Srimati", "Mrs"), native_honorific="ଶ୍ରୀମତୀ",
    banks=(("SBIN", 11), ("UCBA", 14), ("BKID", 15), ("UTBI", 14)),
)

_BN_HINDU = Community(
    female=_names("""
        Sabitri|Savitri|Sabitree=সাবিত্রী; Basanti|Basonti|Bashanti=বাসন্তী
        Laxmi|Lakshmi|Lokkhi|Luxmi=লক্ষ্মী; Mamata|Mamta|Momota=মমতা; Rina|Reena=রিনা
        Sampa|Shampa=শম্পা; Mousumi|Moushumi|Mausumi=মৌসুমী; Sikha|Shikha=শিখা; Tumpa=টুম্পা
        Anima|Onima=অণিমা; Kalpana|Kalpona=কল্পনা; Purnima|Poornima=পূর্ণিমা
        Jharna|Jhorna|Jharana=ঝর্ণা; Chhabi|Chabi=ছবি; Sumitra=সুমিত্রা; Aparna|Oporna=অপর্ণা
        Rupali|Rupaly=রূপালী; Sandhya|Sondhya=সন্ধ্যা; Minati|Minoti=মিনতি
        Jyotsna|Jotsna|Jyotsana=জ্যোৎস্না; Dipali|Deepali=দীপালি; Anjali|Anjoli=অঞ্জলি"""),
    male=_names("""
        Gopal=গোপাল; Tapan|Topan=তপন; Swapan|Sapan|Shapan=স্বপন; Nimai=নিমাই
        Haradhan|Hardhan=হারাধন; Subhash|Subhas|Subash=সুভাষ; Bikash|Bikas|Vikash=বিকাশ
        Ashok|Asok=অশোক; Prabir|Probir=প্রবীর; Sanjib|Sanjeev|Sonjib=সঞ্জীব; Nirmal|Nirmol=নির্মল
        Dilip=দিলীপ; Mohan=মোহন; Jagannath|Jagonnath=জগন্নাথ; Bishnu|Vishnu=বিষ্ণু
        Uttam|Utam=উত্তম; Bapi=বাপি; Shyamal|Syamal|Samal=শ্যামল
        Ratan|Roton=রতন; Kartik|Kartick=কার্তিক; Shankar|Sankar=শংকর; Biswanath|Bishwanath=বিশ্বনাথ; Dulal=দুলাল
        Ganesh=গণেশ; Sukumar|Shukumar=সুকুমার; Anil=অনিল; Paritosh|Poritosh=পরিতোষ; Kanai=কানাই; Bhola=ভোলা
        Amal|Amol=অমল; Sudhir=সুধীর; Tarun|Torun=তরুণ; Madhab|Madhav=মাধব"""),
    surnames=_names("""
        Das=দাস; Mondal|Mandal=মণ্ডল; Ghosh=ঘোষ; Roy|Ray=রায়; Bag=বাগ; Pal|Paul=পাল
        Sarkar|Sarker=সরকার; Biswas=বিশ্বাস; Majhi=মাঝি; Bera=বেরা; Hansda|Hansdah=হাঁসদা
        Pramanik|Paramanik=প্রামানিক"""),
    married_titles=_names("Devi|Debi=দেবী; Dasi=দাসী"),
    middles=_names("Kumar=কুমার; Chandra=চন্দ্র"),
    style="east", rel_style="east", same_surname_marriage=0.2, middle_share=0.25)

_BN_MUSLIM = Community(
    female=_names("""
        Rahima|Rohima=রহিমা; Amina|Aminah=আমিনা; Jahanara|Jahanra=জাহানারা; Salma|Selma=সালমা
        Rabeya|Rabia|Rabiya=রাবেয়া; Nasima|Nasema=নাসিমা; Hasina|Hasena=হাসিনা
        Marjina|Morjina=মর্জিনা; Sahanara|Shahanara=সাহানারা; Mumtaz|Momtaz=মমতাজ
        Rokeya|Rokiya=রোকেয়া; Fatema|Fatima=ফাতেমা"""),
    male=_names("""
        Abdul Karim|Abdul Kareem|Abdulkarim=আব্দুল করিম; Rafiqul|Rafikul|Rofikul=রফিকুল
        Samsul|Shamsul=সামসুল; Habibur|Habibar=হাবিবুর; Jamal|Jamaal=জামাল; Nurul|Noorul=নুরুল
        Mujibur|Mojibur=মুজিবুর; Anarul|Anarool=আনারুল; Sahidul|Shahidul=সহিদুল
        Mofijul|Mofizul=মফিজুল
        Abdur Rashid|Abdul Rashid=আব্দুর রশিদ; Sirajul|Serajul=সিরাজুল; Ainul=আইনুল; Kamal|Kamaal=কামাল
        Sahjahan|Shahjahan=শাহজাহান; Mannan=মান্নান; Osman|Usman=ওসমান; Tajmul|Tajamul=তাজমুল"""),
    surnames=_names("""
        Sk|Sheikh|Shaikh=শেখ; Molla|Mollah=মোল্লা; Mondal|Mandal=মণ্ডল; Biswas=বিশ্বাস
        Hossain|Hussain|Hosen=হোসেন"""),
    married_titles=_names("Khatun|Khatoon=খাতুন; Bibi=বিবি; Begum=বেগম"),
    maiden_titles=_names("Khatun|Khatoon=খাতুন"),
    prefixes=_MUSLIM_PREFIX_BN,
    style="muslim", rel_style="muslim", same_surname_marriage=0.3, prefix_share=0.5)

WEST_BENGAL = Region(
    code="WB", script="bengali",
    geography=(("West Bengal", "Purba Medinipur", ("Khejuri-I", "Bhagawanpur-II")),
               ("West Bengal", "Bankura", ("Taldangra", "Khatra"))),
    villages=("Janka", "Baratala", "Kalagechhia", "Hijli", "Dakshin Kalagachhia", "Birbandar",
              "Mirpur", "Kamarda", "Panchuria", "Sarberia", "Basudebpur", "Bamunia"),
    communities=((0.72, _BN_HINDU), (0.28, _BN_MUSLIM)),
    shg_names=("Ma Tara SHG", "Nabadiganta Dal", "Ma Kali Swanirbhar Dal", "Pragati SHG",
               "Sonar Bangla Dal", "Ma Sarada SHG", "Ekata Swanirbhar Dal", "Alor Disha SHG"),
    honorifics=("Smt.", "Srimati", "Mrs"), native_honorific="শ্রীমতী",
    banks=(("SBIN", 11), ("UCBA", 14), ("PUNB", 16), ("UTBI", 14)),
)

ASSAM = Region(
    code="AS", script="assamese",
    geography=(("Assam", "Nagaon", ("Kaliabor", "Batadrava")),
               ("Assam", "Barpeta", ("Chenga", "Mandia"))),
    villages=("Kuwaritol", "Bhurbandha", "Dhing Gaon", "Salna", "Jakhalabandha", "Borbheti",
              "Puranigudam", "Kachua", "Amoni", "Bheleuguri", "Bortol", "Raha Gaon"),
    communities=((0.7, Community(
        female=_names("""
            Rita|Reeta=ৰীতা; Anjali|Anjoli=অঞ্জলি; Junu|Junoo=জুনু; Mamoni|Mamani=মামণি
            Dipali|Deepali=দীপালী; Nirmali|Normali=নিৰ্মালী; Pranati|Pronati=প্ৰণতি
            Lakhimi|Lakhmi|Lakshmi=লখিমী; Runumi|Runumee=ৰুনুমী; Jonali|Jonalee=জোনালী
            Bina|Beena=বীণা; Kalpana|Kolpona=কল্পনা; Minu|Meenu=মিনু; Bhanita|Bhonita=ভনিতা
            Gitali|Geetali=গীতালি; Rupali|Rupoli=ৰূপালী; Nilima|Neelima=নীলিমা
            Pallabi|Pallavi|Polloby=পল্লৱী"""),
        male=_names("""
            Dilip=দিলীপ; Bhaben=ভবেন; Pranab|Pranav|Pronab=প্ৰণৱ; Hemanta|Hemant=হেমন্ত
            Jiten|Jitan=জিতেন; Dimbeswar|Dimbeshwar=ডিম্বেশ্বৰ; Nabin|Naveen|Nobin=নবীন
            Bhupen=ভূপেন; Lakhikanta|Lakhi Kanta=লখীকান্ত; Ratul=ৰাতুল; Dhiren|Dheeren=ধীৰেন
            Ramen=ৰমেন; Kamal|Komol=কমল; Bipul=বিপুল; Tarun|Torun=তৰুণ
            Prafulla|Profulla=প্ৰফুল্ল; Gunin=গুণীন; Jayanta|Joyonto=জয়ন্ত; Mukut=মুকুট; Pradip|Pradeep=প্ৰদীপ
            Rajen=ৰাজেন; Biren=বীৰেন; Khagen=খগেন; Nripen=নৃপেন; Hiren=হিৰেন"""),
        surnames=_names("""
            Das=দাস; Bora|Borah=বৰা; Saikia|Saikiya=শইকীয়া; Gogoi=গগৈ; Kalita=কলিতা; Deka=ডেকা
            Nath=নাথ; Baruah|Barua|Boruah=বৰুৱা; Hazarika=হাজৰিকা; Medhi=মেধি; Sarma|Sharma=শৰ্মা"""),
        married_titles=_names("Devi|Debi=দেৱী"),
        style="east", rel_style="east", same_surname_marriage=0.1)),
        (0.3, Community(
            female=_names("""
                Rahima|Rohima=ৰহিমা; Anowara|Anwara=আনোৱাৰা; Marjina|Morjina=মৰ্জিনা
                Amina|Aminah=আমিনা; Rashida|Rasida=ৰছিদা; Sahera|Shahera=ছাহেৰা"""),
            male=_names("""
                Abdul Hai|Abdul Hye=আব্দুল হাই; Rafiqul|Rofiqul=ৰফিকুল
                Abdul Kalam|Abdulkalam=আব্দুল কালাম; Jamal Uddin|Jamaluddin=জামাল উদ্দিন
                Nurul Islam|Nurul Eslam=নুৰুল ইছলাম
                Abdul Latif=আব্দুল লতিফ; Saiful|Soiful=ছাইফুল; Kamal Uddin|Kamaluddin=কামাল উদ্দিন
                Rashidul|Rasidul=ৰছিদুল; Anwar|Anowar=আনোৱাৰ"""),
            surnames=_names("Ahmed|Ahmad=আহমেদ; Ali=আলী; Hussain|Hussian=হুছেইন; Islam=ইছলাম"),
            married_titles=_names("Begum=বেগম; Khatun|Khatoon=খাতুন"),
            maiden_titles=_names("Khatun|Khatoon=খাতুন"),
            prefixes=_MUSLIM_PREFIX_BN,
            style="muslim", rel_style="muslim", same_surname_marriage=0.3, prefix_share=0.3))),
    shg_names=("Jyoti SHG", "Ujala SHG", "Aai Ujala SHG", "Milan SHG", "Jonaki SHG",
               "Pragati SHG", "Rangdhali SHG", "Bhagyashree SHG"),
    honorifics=("Smt.", "Srimati", "Mrs"), native_honorific="শ্ৰীমতী",
    banks=(("SBIN", 11), ("UCBA", 14), ("UTBI", 14), ("PUNB", 16)),
)

JHARKHAND = Region(
    code="JH", script="devanagari",
    geography=(("Jharkhand", "Gumla", ("Sisai", "Bharno")),
               ("Jharkhand", "Khunti", ("Murhu", "Torpa"))),
    villages=("Lakeya", "Chhechhari", "Nagar Sisai", "Bargaon", "Kudra", "Tangartoli", "Karra",
              "Sodag", "Hesal", "Jariya", "Bamhni", "Lodhma"),
    communities=((0.6, Community(
        female=_names("""
            Sumi|Sumee=सुमी; Mani|Moni=मनी; Basanti|Vasanti|Basonti=बसंती
            Phulmani|Fulmani|Phoolmani=फुलमनी; Salo|Saalo=सालो; Budhni|Budhani=बुधनी
            Sukhmani|Sukhmuni=सुखमनी; Somvari|Somwari|Sombari=सोमवारी; Mangri|Mangari=मंगरी
            Jayanti|Jainti=जयंती; Sushila|Susheela=सुशीला; Sunita|Suneeta=सुनीता
            Anita|Aneeta=अनीता; Parvati|Parbati=पार्वती; Sita|Seeta=सीता; Lalmuni|Lalmani=लालमुनी
            Dhaneshwari|Dhaneswari=धनेश्वरी; Etwari|Itwari=एतवारी"""),
        male=_names("""
            Mangal|Mangla=मंगल; Sukra|Shukra=सुकरा; Budhu|Budhua=बुधु; Somra|Somara=सोमरा
            Birsa=बिरसा; Etwa|Itwa=एतवा; Karma=करमा; Lakhan=लखन; Babulal|Babu Lal=बाबूलाल
            Jitu|Jeetu=जीतू; Bandhan=बंधन; Raghu=रघु; Chamra=चमरा; Mahavir|Mahabir=महावीर
            Sukhram|Sukh Ram=सुखराम; Rameshwar|Rameswar=रामेश्वर; Sanichar|Sanicharwa=सनीचर; Mangra=मंगरा
            Budhram|Budh Ram=बुधराम; Chhotu|Chotu=छोटू; Dasai|Dasay=दसई; Bigu=बिगु; Jagarnath|Jagarnat=जगरनाथ
            Paulus=पौलुस; Sushil|Susil=सुशील; Birendra|Virendra=बिरेंद्र; Lalu=लालू"""),
        surnames=_names("""
            Munda=मुंडा; Oraon|Uraon|Orao=उरांव; Tudu=टुडू; Hembram|Hembrom=हेम्ब्रम; Soren=सोरेन
            Murmu=मुर्मू; Kisku=किस्कू; Hansda|Hansdah=हांसदा; Toppo=टोप्पो; Lakra=लकड़ा
            Tirkey|Tirkay=तिर्की; Kujur=कुजूर; Marandi=मरांडी; Besra=बेसरा"""),
        married_titles=_DEV_TITLES, maiden_titles=_DEV_KUMARI,
        style="tribal", rel_style="tribal")),
        (0.4, Community(
            female=_names("""
                Sunita|Suneeta=सुनीता; Rinki|Rinky|Rinkee=रिंकी
                Kaushalya|Kousalya|Koushalya|Kausalya=कौशल्या; Pushpa|Puspa=पुष्पा
                Gita|Geeta=गीता; Sarita|Saritha=सरिता; Anjali|Anjli=अंजली; Lalita|Lalitha=ललिता
                Shanti|Santi=शांति; Mamta|Mamata=ममता; Kiran=किरण; Usha|Usa=उषा
                Savitri|Sabitri=सावित्री; Pramila|Parmila=प्रमिला; Jyoti|Jyothi|Joti=ज्योति"""),
            male=_names("""
                Ramesh=रमेश; Suresh=सुरेश; Ajay|Ajai=अजय; Sanjay|Sanjai=संजय
                Jitendra|Jitendar|Jeetendra=जितेंद्र; Shankar|Sankar=शंकर
                Dhaneshwar|Dhaneswar=धनेश्वर; Bhola=भोला; Sukhdeo|Sukhdev=सुखदेव
                Mahendra|Mahendar=महेंद्र; Anil=अनिल; Binod|Vinod=बिनोद; Naresh=नरेश; Gopal=गोपाल
                Kameshwar|Kameswar=कामेश्वर
                Rajkumar|Raj Kumar=राजकुमार; Baleshwar|Baleswar=बालेश्वर; Kishun=किशुन; Mithilesh=मिथिलेश
                Pramod=प्रमोद; Ashok=अशोक; Dilip=दिलीप; Mohan=मोहन; Tulsi|Tulshi=तुलसी; Krishna|Kishna=कृष्णा"""),
            surnames=_names("""
                Mahato|Mahto=महतो; Sahu|Sahoo=साहू; Yadav=यादव; Prajapati=प्रजापति; Gope=गोप
                Singh=सिंह; Ram=राम"""),
            married_titles=_DEV_TITLES, maiden_titles=_DEV_KUMARI, middles=_DEV_MIDDLES,
            style="north", rel_style="north", same_surname_marriage=0.4, middle_share=0.35))),
    shg_names=("Jai Maa Santoshi Mahila SHG", "Sarna Mahila Samuh", "Gulab Aajeevika SHG",
               "Chameli Mahila Mandal", "Jai Johar SHG", "Laxmi Aajeevika Sakhi Mandal",
               "Ujjwal Mahila SHG", "Birsa Mahila Samuh"),
    honorifics=("Smt.", "Smt", "Shrimati", "Mrs."), native_honorific="श्रीमती",
    banks=(("SBIN", 11), ("BKID", 15), ("UBIN", 15), ("PUNB", 16)),
)

BIHAR = Region(
    code="BR", script="devanagari",
    geography=(("Bihar", "Samastipur", ("Bibhutipur", "Warisnagar", "Ujiarpur")),
               ("Bihar", "Gaya", ("Bodh Gaya", "Tankuppa"))),
    villages=("Narhan", "Chakhaji", "Singhia", "Khanpur", "Belsandi", "Karpurigram", "Rahimabad",
              "Bhusari", "Maniyarpur", "Dhamon", "Sirsi", "Kalyanpur"),
    communities=((0.85, Community(
        female=_names("""
            Sunita|Suneeta=सुनीता; Rinki|Rinky=रिंकी; Pinki|Pinky=पिंकी; Rekha=रेखा; Kiran=किरण
            Puja|Pooja=पूजा; Manju|Manjoo=मंजू; Sangita|Sangeeta=संगीता; Reena|Rina=रीना
            Savitri|Sabitri|Savitree=सावित्री; Kaushalya|Kousalya|Kaushilya=कौशल्या
            Urmila|Urmilla=उर्मिला; Meena|Mina=मीना; Mamta|Mamata=ममता
            Laxmi|Lakshmi|Luxmi=लक्ष्मी; Sushila|Susheela|Sushela=सुशीला; Chanda=चंदा
            Shobha|Sobha=शोभा; Priyanka|Priyanca=प्रियंका; Lalti|Lalati=लालती; Phulo|Fulo=फूलो"""),
        male=_names("""
            Ram Prasad|Ramprasad=राम प्रसाद; Ramesh=रमेश; Rajesh=राजेश; Santosh|Santos=संतोष
            Manoj=मनोज; Sunil=सुनील; Shiv Shankar|Shivshankar|Sheo Shankar=शिव शंकर
            Vinod|Binod=विनोद; Ranjit|Ranjeet=रणजीत; Umesh=उमेश; Dinesh=दिनेश
            Ramdeo|Ramdev=रामदेव; Pappu=पप्पू; Bhola=भोला; Ram Naresh|Ramnaresh=राम नरेश
            Lalan|Lallan=ललन; Shatrughan|Satrughan|Shatrughna=शत्रुघ्न; Jagdish|Jagadish=जगदीश
            Upendra|Upender=उपेंद्र; Mukesh=मुकेश
            Arun=अरुण; Pramod=प्रमोद; Sanjay|Sanjai=संजय; Ajay|Ajai=अजय; Vijay|Bijay=विजय
            Rambabu|Ram Babu=रामबाबू; Nagendra|Nagendar=नागेंद्र; Shambhu|Sambhu=शंभू; Raju=राजू; Guddu=गुड्डू
            Ramashish|Ram Ashish=रामाशीष; Bindeshwar|Bindeswar=बिंदेश्वर; Chandeshwar|Chandeswar=चंदेश्वर
            Kamlesh=कमलेश; Ravindra|Rabindra=रविंद्र"""),
        surnames=_names("""
            Yadav=यादव; Paswan=पासवान; Mahto|Mahato=महतो; Ram=राम; Sah|Shah=साह; Singh=सिंह
            Manjhi|Majhi=मांझी; Chaudhary|Choudhary=चौधरी; Rajak=रजक; Kushwaha|Kushwah=कुशवाहा
            Mandal=मंडल"""),
        married_titles=_DEV_TITLES, maiden_titles=_DEV_KUMARI, middles=_DEV_MIDDLES,
        style="north", rel_style="north", same_surname_marriage=0.45, middle_share=0.45)),
        (0.15, Community(
            female=_names("""
                Noorjahan|Nurjahan=नूरजहाँ; Shabana|Sabana=शबाना; Rubi|Ruby=रूबी
                Shahnaz|Sahnaj|Shahnaaz=शहनाज़; Nazma|Najma=नजमा; Rehana|Rihana|Raihana=रेहाना
                Tabassum|Tabsum=तबस्सुम; Jubaida|Zubaida=जुबैदा"""),
            male=_names("""
                Alam=आलम; Shahid|Sahid=शाहिद; Irfan=इरफान; Mushtaq|Mustaq=मुश्ताक
                Nasim|Naseem=नसीम; Jamil|Jameel=जमील; Salim|Saleem=सलीम; Anwar|Anvar=अनवर
                Shamim|Samim=शमीम; Akhtar|Aktar=अख्तर; Rizwan|Rijwan=रिजवान; Kalim|Kaleem=कलीम
                Jahangir|Jahagir=जहांगीर; Tabrez|Tabrej=तबरेज़; Manzoor|Manjur=मंजूर"""),
            surnames=_names("Ansari=अंसारी; Khan=खान; Rain|Raeen=राईन; Mansuri|Mansoori=मंसूरी"),
            married_titles=_names("Khatoon|Khatun=खातून; Bibi=बीबी; Begum=बेगम; Parveen|Praveen=परवीन"),
            maiden_titles=_names("Khatoon|Khatun=खातून; Parveen|Praveen=परवीन"),
            prefixes=_MUSLIM_PREFIX_DEV,
            style="muslim", rel_style="muslim", same_surname_marriage=0.5, prefix_share=0.5))),
    shg_names=("Jeevika Laxmi SHG", "Maa Durga Jeevika Samuh", "Gulab Jeevika SHG",
               "Saraswati Jeevika Samuh", "Ujala Jeevika SHG", "Chandni Jeevika Samuh",
               "Kamal Jeevika SHG", "Roshni Jeevika Samuh"),
    honorifics=("Smt.", "Smt", "Shrimati", "Mrs."), native_honorific="श्रीमती",
    banks=(("SBIN", 11), ("PUNB", 16), ("CBIN", 10), ("UCBA", 14)),
)

RAJ_MP = Region(
    code="RJ", script="devanagari",
    geography=(("Rajasthan", "Bhilwara", ("Mandal", "Asind")),
               ("Madhya Pradesh", "Jhabua", ("Petlawad", "Thandla"))),
    villages=("Bagore", "Kareda", "Pander", "Bhagwanpura", "Jaswantpura", "Rampura", "Sarana",
              "Karjali", "Bamaniya", "Raipuria", "Kharol", "Kotra"),
    communities=((1.0, Community(
        female=_names("""
            Kamla|Kamala=कमला; Santosh=संतोष; Gita|Geeta=गीता; Sita|Seeta=सीता
            Bhanwari|Bhawri|Bhanwri=भंवरी; Kesar|Kesari=केसर; Dhapu|Dhapoo=धापू; Lali=लाली
            Ganga=गंगा; Sugna|Sugana=सुगना; Kanchan=कंचन; Radha=राधा
            Parvati|Parwati|Parbati=पार्वती; Mamta|Mamata=ममता; Shanti|Santi=शांति
            Rukmani|Rukmini=रुक्मणी; Pushpa=पुष्पा; Jamna|Jamuna=जमना; Mohini|Mohani=मोहिनी
            Nirmala|Nirmla=निर्मला; Prem=प्रेम; Gulab=गुलाब; Sushila|Susheela=सुशीला"""),
        male=_names("""
            Ramlal|Ram Lal=रामलाल; Mohanlal|Mohan Lal=मोहनलाल; Bherulal|Bheru Lal=भेरूलाल
            Kalu|Kaloo=कालू; Gopal=गोपाल; Shankar|Sankar=शंकर; Narayan|Narayn=नारायण
            Prakash|Parkash=प्रकाश; Madanlal|Madan Lal=मदनलाल; Jagdish|Jagadish=जगदीश
            Bhagirath|Bhagirth=भगीरथ; Hemraj|Hem Raj=हेमराज; Shivraj|Shiv Raj=शिवराज
            Kishan|Kisan=किशन; Ratan=रतन; Mangilal|Mangi Lal=मांगीलाल
            Bhanwarlal|Bhanwar Lal=भंवरलाल; Ramesh=रमेश; Dinesh=दिनेश
            Devilal|Devi Lal=देवीलाल; Sohanlal|Sohan Lal=सोहनलाल; Lalaram|Lala Ram=लालाराम
            Kanhaiyalal|Kanhaiya Lal=कन्हैयालाल; Nathu|Nathoo=नाथू; Mangal|Mangla=मंगल; Suresh=सुरेश
            Mukesh=मुकेश; Bhairu|Bheru=भैरू; Dhanraj|Dhan Raj=धनराज; Gheesa|Ghisa=घीसा; Laxman|Lakhan=लक्ष्मण
            Babulal|Babu Lal=बाबूलाल; Sitaram|Sita Ram=सीताराम"""),
        surnames=_names("""
            Meena|Mina=मीणा; Gurjar|Gujar=गुर्जर; Bhil=भील; Meghwal=मेघवाल; Regar=रेगर
            Kumawat=कुमावत; Patel=पटेल; Ahirwar=अहिरवार; Lodhi=लोधी; Gond=गोंड
            Bairwa|Berwa=बैरवा; Jatav=जाटव"""),
        married_titles=_names("Bai=बाई; Devi=देवी; Kanwar|Kunwar=कंवर"),
        maiden_titles=_DEV_KUMARI,
        style="raj", rel_style="raj", same_surname_marriage=0.35)),),
    shg_names=("Rajeevika Laxmi SHG", "Maa Chamunda Mahila SHG", "Jai Ambe Samuh",
               "Tejaji Mahila SHG", "Meera Mahila Samuh", "Gayatri Aajeevika SHG",
               "Pannadhay SHG", "Sanwaliya Seth SHG"),
    honorifics=("Smt.", "Smt", "Shrimati"), native_honorific="श्रीमती",
    banks=(("SBIN", 11), ("BARB", 14), ("PUNB", 16), ("CBIN", 10)),
)

MAHARASHTRA = Region(
    code="MH", script="devanagari",
    geography=(("Maharashtra", "Ahmednagar", ("Sangamner", "Akole")),
               ("Maharashtra", "Yavatmal", ("Ner", "Darwha"))),
    villages=("Nimgaon Jali", "Ashvi Budruk", "Kolhewadi", "Sukewadi", "Warudi Pathar",
              "Pimpri Lauki", "Nilwande", "Rajapur", "Dhandarfal", "Mengal Wadi", "Kauthe Kamleshwar",
              "Sawargaon"),
    communities=((1.0, Community(
        female=_names("""
            Sunita|Suneeta=सुनीता; Sangita|Sangeeta=संगीता; Vandana|Wandana=वंदना
            Mangal|Mangala=मंगल; Sharada|Sharda|Sarda=शारदा; Ashwini|Aswini=अश्विनी
            Jyoti|Jyothi=ज्योती; Suvarna|Suwarna=सुवर्णा; Manisha|Maneesha=मनीषा
            Kavita|Kavitha=कविता; Savita|Sawita=सविता; Lata=लता; Shobha|Sobha=शोभा
            Anita|Aneeta=अनिता; Rupali|Roopali=रुपाली; Kalpana=कल्पना
            Ujwala|Ujjwala|Ujvala=उज्ज्वला; Chhaya|Chaya=छाया; Archana=अर्चना
            Sindhu|Sindhoo=सिंधू; Rekha=रेखा; Alka|Alaka=अलका"""),
        male=_names("""
            Ramesh=रमेश; Sanjay=संजय; Dnyaneshwar|Dnyaneshvar|Gyaneshwar|Nyaneshwar=ज्ञानेश्वर
            Balasaheb|Balasahab=बाळासाहेब; Vitthal|Vithal|Withal=विठ्ठल
            Dattatray|Dattatraya|Datta=दत्तात्रय; Pandurang|Panduranga=पांडुरंग
            Sambhaji|Sambhajee=संभाजी; Ganesh=गणेश; Santosh=संतोष; Shivaji|Shivajee=शिवाजी
            Namdeo|Namdev=नामदेव; Tukaram=तुकाराम; Dilip=दिलीप; Maruti|Maruthi=मारुती
            Bhausaheb|Bhausahab=भाऊसाहेब; Raosaheb|Rao Saheb=रावसाहेब; Ashok=अशोक
            Vilas|Wilas=विलास; Suresh=सुरेश
            Prakash=प्रकाश; Sunil=सुनील; Anil=अनिल; Bhagwan|Bhagawan=भगवान; Rajendra|Rajendr=राजेंद्र
            Nivrutti|Nivruti=निवृत्ती; Eknath=एकनाथ; Baban=बबन; Kisan|Kishan=किसन; Machhindra|Machindra=मच्छिंद्र
            Rambhau|Ram Bhau=रामभाऊ; Sopan=सोपान; Prabhakar=प्रभाकर; Arun=अरुण"""),
        surnames=_names("""
            Patil=पाटील; Jadhav|Jadhao=जाधव; Pawar|Powar=पवार; Shinde=शिंदे; More=मोरे
            Kamble=कांबळे; Gaikwad|Gaekwad=गायकवाड; Chavan=चव्हाण; Salunkhe|Salunke=साळुंखे
            Bhosale|Bhosle=भोसले; Kale=काळे; Wagh|Vagh=वाघ; Thakare|Thakre=ठाकरे; Mane=माने
            Jagtap=जगताप"""),
        married_titles=_names("Bai=बाई"),
        style="marathi", rel_style="marathi", same_surname_marriage=0.1)),),
    shg_names=("Savitribai Phule Mahila Bachat Gat", "Jijau Mahila Bachat Gat",
               "Ahilyadevi Bachat Gat", "Krantijyoti Mahila Bachat Gat", "Sai Mahila Bachat Gat",
               "Umed Mahila Gat", "Rajmata Bachat Gat", "Ekta Mahila Bachat Gat"),
    honorifics=("Smt.", "Sou.", "Shrimati"), native_honorific="श्रीमती",
    banks=(("SBIN", 11), ("MAHB", 11), ("BKID", 15), ("CNRB", 13)),
)

GUJARAT = Region(
    code="GJ", script="gujarati",
    geography=(("Gujarat", "Narmada", ("Dediapada", "Sagbara")),
               ("Gujarat", "Dahod", ("Garbada", "Limkheda"))),
    villages=("Mozda", "Bal", "Chikda", "Ghantoli", "Kunbar", "Sorapada", "Pingot", "Nivalda",
              "Khabji", "Bhutbeda", "Jharoli", "Samot"),
    communities=((1.0, Community(
        female=_names("""
            Laxmi|Lakshmi=લક્ષ્મી; Manju|Manjoo=મંજુ; Hansa|Hansaa=હંસા
            Jyotsna|Jyotsana=જ્યોત્સ્ના; Kokila|Kokilaa=કોકિલા; Savita|Sawita=સવિતા
            Shanta|Santa=શાંતા; Geeta|Gita=ગીતા; Bhavna|Bhavana=ભાવના; Daksha|Dakxa=દક્ષા
            Kailash|Kailas=કૈલાસ; Ramila|Ramilla=રમીલા; Sharda|Sarda=શારદા
            Jashoda|Yashoda|Jasoda=જશોદા; Champa=ચંપા; Kanta|Kantaa=કાંતા; Sumitra=સુમિત્રા
            Varsha|Varsa=વર્ષા; Madhu=મધુ; Nirmala|Nirmla=નિર્મળા"""),
        male=_names("""
            Ramesh=રમેશ; Bharat=ભરત; Mahesh=મહેશ; Jayanti|Jenti=જયંતી; Kanti=કાંતિ
            Dinesh=દિનેશ; Suresh=સુરેશ; Vinod=વિનોદ; Pravin|Praveen=પ્રવીણ; Bhikha|Bhikhu=ભીખા
            Naran=નારણ; Mohan=મોહન; Soma=સોમા; Ranchhod|Ranchod=રણછોડ; Govind|Govinda=ગોવિંદ
            Kalu=કાળુ; Arjun=અર્જુન
            Ramsing|Ramsinh=રામસિંગ; Jasvant|Jaswant=જસવંત; Kishor|Kishore=કિશોર; Amrat|Amrut=અમરત; Babu=બાબુ
            Lalji=લાલજી; Valji|Walji=વાલજી; Naresh=નરેશ; Sanjay=સંજય; Mansukh=મનસુખ; Kanu=કનુ; Rajesh=રાજેશ
            Dilip=દિલીપ; Hasmukh=હસમુખ"""),
        surnames=_names("""
            Patel=પટેલ; Vasava|Vasawa=વસાવા; Rathod=રાઠોડ; Parmar=પરમાર
            Chaudhari|Chaudhary=ચૌધરી; Thakor|Thakore=ઠાકોર; Bariya|Baria=બારીયા; Solanki=સોલંકી
            Vaghela|Waghela=વાઘેલા; Makwana=મકવાણા; Damor=ડામોર; Gamit=ગામીત"""),
        married_titles=_names("Ben|Bahen=બેન"), maiden_titles=_names("Ben|Bahen=બેન"),
        style="gujarati", rel_style="gujarati", same_surname_marriage=0.3)),),
    shg_names=("Jay Ambe Sakhi Mandal", "Jay Bhavani Sakhi Mandal", "Mahakali Sakhi Mandal",
               "Sardar Sakhi Mandal", "Khodiyar Sakhi Mandal", "Ganga Sakhi Mandal",
               "Ramdev Sakhi Mandal", "Sarjan Sakhi Mandal"),
    honorifics=("Smt.", "Shrimati", "Mrs."), native_honorific="શ્રીમતી",
    banks=(("SBIN", 11), ("BARB", 14), ("DENA", 12), ("GSCB", 15)),
)

TAMIL_NADU = Region(
    code="TN", script="tamil",
    geography=(("Tamil Nadu", "Dharmapuri", ("Pennagaram", "Nallampalli")),
               ("Tamil Nadu", "Villupuram", ("Kandamangalam", "Vikravandi"))),
    villages=("Eriyur", "Nagamarai", "Pikkili", "Ajjanahalli", "Seelanayakanur", "Kottaikuppam",
              "Perumbakkam", "Thalavanur", "Vadakuchipalayam", "Mambazhapattu", "Sogathur",
              "Indur"),
    communities=((1.0, Community(
        female=_names("""
            Lakshmi|Latchumi|Letchumi|Laxmi=லட்சுமி; Selvi|Selvy=செல்வி
            Muthulakshmi|Muthu Lakshmi|Muthulatchumi=முத்துலட்சுமி
            Saraswathi|Saraswati|Sarasvathi=சரஸ்வதி; Pushpa|Pushba=புஷ்பா; Valli|Vally=வள்ளி
            Chitra|Sithra|Chithra=சித்ரா; Kala|Kalaa=கலா; Vijaya|Vijaiya=விஜயா; Rani|Raani=ராணி
            Amudha|Amutha=அமுதா; Jothi|Jyothi|Jothy=ஜோதி; Malar|Malarr=மலர்
            Santhi|Shanthi|Shanti=சாந்தி; Meena|Mina=மீனா; Kavitha|Kavita=கவிதா
            Sumathi|Sumati=சுமதி; Rajeswari|Rajeshwari=ராஜேஸ்வரி; Kannagi|Kannaki=கண்ணகி
            Kaliammal|Kaliyammal=காளியம்மாள்; Muniammal|Muniyammal=முனியம்மாள்
            Pappathi|Pappathy=பாப்பாத்தி; Dhanalakshmi|Thanalakshmi|Danalakshmi=தனலட்சுமி
            Mariammal|Mariyammal=மாரியம்மாள்"""),
        male=_names("""
            Ramasamy|Ramaswamy|Ramasami=ராமசாமி; Murugan=முருகன்; Krishnan|Kirushnan=கிருஷ்ணன்
            Subramani|Subramanian|Subramaniam=சுப்பிரமணி; Palani|Pazhani=பழனி; Selvam=செல்வம்
            Rajendran|Rajendiran=ராஜேந்திரன்; Arumugam|Aarumugam=ஆறுமுகம்; Kannan=கண்ணன்
            Perumal=பெருமாள்; Mani|Many=மணி; Velu|Veluu=வேலு; Muthu=முத்து
            Ganesan|Ganeshan=கணேசன்; Senthil=செந்தில்; Chinnasamy|Chinnaswamy=சின்னசாமி
            Karuppasamy|Karuppusamy|Karuppaswamy=கருப்பசாமி; Sekar|Sekhar=சேகர்
            Pandian|Pandiyan=பாண்டியன்; Ayyanar|Aiyanar=அய்யனார்
            Raman=ராமன்; Sivakumar|Shivakumar=சிவகுமார்; Govindan|Govindhan=கோவிந்தன்; Kumar=குமார்
            Manickam|Manikam=மாணிக்கம்; Sundaram|Sundharam=சுந்தரம்; Annamalai=அண்ணாமலை
            Kaliyaperumal|Kaliaperumal=கலியபெருமாள்; Elumalai|Ezhumalai=ஏழுமலை; Vediyappan|Vediappan=வேடியப்பன்
            Madhaiyan|Mathaiyan=மாதையன்; Sakthivel|Sathivel=சக்திவேல்; Anbalagan|Anbazhagan=அன்பழகன்; Raja=ராஜா
            Jayaraman|Jeyaraman=ஜெயராமன்"""),
        surnames=(),
        style="tamil", rel_style="tamil")),),
    shg_names=("Annai Magalir Suya Udhavi Kuzhu", "Thendral Magalir Kuzhu", "Roja SHG",
               "Malligai Magalir Kuzhu", "Kalaimagal SHG", "Amman Magalir Kuzhu",
               "Vanavil SHG", "Thamarai Magalir Kuzhu"),
    honorifics=("Tmt.", "Mrs.", "Smt."), native_honorific="திருமதி",
    banks=(("IOBA", 15), ("CNRB", 13), ("IDIB", 10), ("SBIN", 11)),
)

TELUGU = Region(
    code="TG", script="telugu",
    geography=(("Telangana", "Nalgonda", ("Chityal", "Narketpally")),
               ("Andhra Pradesh", "Anantapur", ("Kalyandurg", "Kambadur"))),
    villages=("Urumadla", "Vattimarthy", "Gundrampally", "Pittampally", "Ailapuram",
              "Brahmanavelemla", "Cherlapally", "Nemmani", "Mudigal", "Kurlapalli", "Yellareddy",
              "Peddakurapadu"),
    communities=((1.0, Community(
        female=_names("""
            Lakshmi|Laxmi=లక్ష్మి; Padma=పద్మ; Saraswathi|Saraswati=సరస్వతి
            Ramadevi|Rama Devi=రమాదేవి; Anjamma|Anjama=అంజమ్మ; Venkatamma|Venkatama=వెంకటమ్మ
            Sujatha|Sujata=సుజాత; Rajeswari|Rajeshwari=రాజేశ్వరి; Aruna|Arunaa=అరుణ
            Jyothi|Jyoti=జ్యోతి; Mangamma|Mangama=మంగమ్మ
            Bhagyalakshmi|Bhagya Lakshmi|Bhagyalaxmi=భాగ్యలక్ష్మి; Swarupa|Swaroopa=స్వరూప
            Sravani|Shravani=శ్రావణి; Nagamani|Naga Mani=నాగమణి; Yadamma|Yadama=యాదమ్మ
            Saroja|Sarojana=సరోజ; Kavitha|Kavita=కవిత; Renuka|Renuk=రేణుక
            Pochamma|Pochama=పోచమ్మ; Sailaja|Shailaja=శైలజ; Anitha|Anita=అనిత"""),
        male=_names("""
            Venkatesh|Venkatesu|Venkatesham=వెంకటేష్; Srinivas|Sreenivas|Srinivasulu=శ్రీనివాస్
            Ramulu|Raamulu=రాములు; Narasimha|Narsimha|Narasimhulu=నరసింహ
            Yadaiah|Yadayya=యాదయ్య; Anjaiah|Anjayya=అంజయ్య; Mallesh|Mallesham=మల్లేష్
            Raju|Raaju=రాజు; Krishna|Krishnaa=కృష్ణ; Ravi=రవి
            Satyanarayana|Sathyanarayana=సత్యనారాయణ; Nagaraju|Naga Raju=నాగరాజు
            Balaiah|Balayya=బాలయ్య; Suresh=సురేష్; Ramesh=రమేష్; Srinu|Seenu=శ్రీను
            Yellaiah|Ellaiah|Yellayya=ఎల్లయ్య; Pentaiah|Pentayya=పెంటయ్య
            Mallaiah|Mallayya=మల్లయ్య; Lingaiah|Lingayya=లింగయ్య; Sailu=శైలు; Yadagiri=యాదగిరి
            Venkanna|Venkana=వెంకన్న; Ramana|Ramanna=రమణ; Chandraiah|Chandrayya=చంద్రయ్య; Shankar|Sankar=శంకర్
            Prasad=ప్రసాద్; Sammaiah|Sammayya=సమ్మయ్య; Raghu=రఘు; Babu Rao|Baburao=బాబూరావు
            Koteswara Rao|Koteshwar Rao=కోటేశ్వరరావు; Anil=అనిల్"""),
        surnames=_names("""
            Kommu=కొమ్ము; Bandi=బండి; Gollapalli|Gollapally=గొల్లపల్లి; Erra=ఎర్ర
            Chinthala|Chintala=చింతల; Pothula|Potula=పోతుల; Kandula=కందుల; Dasari=దాసరి
            Boya=బోయ; Gaddam=గద్దం; Thota|Tota=తోట; Mekala=మేకల; Kurra=కుర్ర
            Pasupuleti|Pasupulety=పసుపులేటి"""),
        style="telugu", rel_style="telugu")),),
    shg_names=("Sri Lakshmi SHG", "Jai Bhavani SHG", "Sri Sai Podupu Sangham",
               "Mahila Shakti SHG", "Sri Rama SHG", "Durga Podupu Sangham", "Sri Venkateswara SHG",
               "Priyadarshini SHG"),
    honorifics=("Smt.", "Smt", "Mrs."), native_honorific="శ్రీమతి",
    banks=(("SBIN", 11), ("APGB", 14), ("UBIN", 15), ("ANDB", 15)),
)

KARNATAKA = Region(
    code="KA", script="kannada",
    geography=(("Karnataka", "Mandya", ("Maddur", "Malavalli")),
               ("Karnataka", "Belagavi", ("Ramdurg", "Savadatti"))),
    villages=("Hemmanahalli", "Besagarahalli", "Koppa", "Kestur", "Halagur", "Dugganahalli",
              "Kalamuddanadoddi", "Chamanahalli", "Yaraganal", "Hosakote", "Kodihalli",
              "Bidarakote"),
    communities=((1.0, Community(
        female=_names("""
            Lakshmi|Laxmi=ಲಕ್ಷ್ಮಿ; Gowramma|Gouramma|Gauramma=ಗೌರಮ್ಮ; Shantha|Shanta|Santha=ಶಾಂತ
            Savitha|Savita=ಸವಿತಾ; Manjula|Manjulla=ಮಂಜುಳಾ; Roopa|Rupa=ರೂಪಾ
            Nagarathna|Nagaratna=ನಾಗರತ್ನ; Jayamma|Jayama=ಜಯಮ್ಮ; Shobha|Sobha=ಶೋಭಾ; Suma=ಸುಮ
            Yashoda|Yashodha|Yasoda=ಯಶೋದಾ; Parvathi|Parvati=ಪಾರ್ವತಿ
            Saraswathi|Saraswati=ಸರಸ್ವತಿ; Kamala|Kamla=ಕಮಲ; Bhagya|Baghya=ಭಾಗ್ಯ
            Renuka|Renuk=ರೇಣುಕಾ; Sunanda|Sunandha=ಸುನಂದ; Hemavathi|Hemavati=ಹೇಮಾವತಿ
            Pushpa|Puspa=ಪುಷ್ಪ; Geetha|Gita=ಗೀತಾ; Mahadevi|Mahadevamma=ಮಹಾದೇವಿ
            Kaveri|Cauvery=ಕಾವೇರಿ"""),
        male=_names("""
            Nanjegowda|Nanje Gowda|Nanjegouda=ನಂಜೇಗೌಡ; Ramesh=ರಮೇಶ್
            Manjunath|Manjunatha=ಮಂಜುನಾಥ; Basavaraj|Basavaraju=ಬಸವರಾಜ್; Shivanna|Shivana=ಶಿವಣ್ಣ
            Nagaraj|Nagaraju=ನಾಗರಾಜ್; Krishnappa|Krishnapa=ಕೃಷ್ಣಪ್ಪ; Siddappa|Siddapa=ಸಿದ್ದಪ್ಪ
            Mahadevappa|Mahadevapa=ಮಹದೇವಪ್ಪ; Puttaswamy|Puttasamy=ಪುಟ್ಟಸ್ವಾಮಿ
            Venkatesh=ವೆಂಕಟೇಶ್; Ravi=ರವಿ; Hanumanthappa|Hanumantappa=ಹನುಮಂತಪ್ಪ; Raju=ರಾಜು
            Chikkanna|Chikkana=ಚಿಕ್ಕಣ್ಣ; Thimmappa|Timmappa=ತಿಮ್ಮಪ್ಪ; Lingaraju|Lingaraj=ಲಿಂಗರಾಜು
            Ningappa|Ningapa=ನಿಂಗಪ್ಪ
            Somashekar|Somasekhar=ಸೋಮಶೇಖರ್; Mallesh|Mallesha=ಮಲ್ಲೇಶ್; Lokesh=ಲೋಕೇಶ್
            Kempegowda|Kempe Gowda=ಕೆಂಪೇಗೌಡ; Javaregowda|Javare Gowda=ಜವರೇಗೌಡ; Mariyappa|Mariappa=ಮರಿಯಪ್ಪ
            Rangaswamy|Rangasamy=ರಂಗಸ್ವಾಮಿ; Shivakumar|Sivakumar=ಶಿವಕುಮಾರ್; Yellappa|Ellappa=ಯಲ್ಲಪ್ಪ
            Bhimappa|Beemappa=ಭೀಮಪ್ಪ; Kariyappa|Kariappa=ಕರಿಯಪ್ಪ; Suresh=ಸುರೇಶ್; Prakash=ಪ್ರಕಾಶ್
            Devaraju|Devaraj=ದೇವರಾಜು"""),
        surnames=_names("""
            Gowda|Gouda=ಗೌಡ; Naik|Nayak=ನಾಯ್ಕ; Patil=ಪಾಟೀಲ; Kumbar|Kumbara=ಕುಂಬಾರ
            Talawar|Talwar=ತಳವಾರ; Hosamani|Hosmani=ಹೊಸಮನಿ; Kuruba|Kurubar=ಕುರುಬ
            Badiger=ಬಡಿಗೇರ; Lamani|Lambani=ಲಮಾಣಿ"""),
        style="kannada", rel_style="kannada", same_surname_marriage=0.3)),),
    shg_names=("Sri Chowdeshwari SHG", "Sri Maruthi Stree Shakti Sangha", "Annapoorneshwari SHG",
               "Sri Banashankari SHG", "Kaveri Stree Shakti Sangha", "Sri Renukamba SHG",
               "Chamundeshwari SHG", "Navodaya SHG"),
    honorifics=("Smt.", "Smt", "Mrs."), native_honorific="ಶ್ರೀಮತಿ",
    banks=(("CNRB", 13), ("SBIN", 11), ("KVGB", 14), ("VIJB", 15)),
)

KERALA = Region(
    code="KL", script="malayalam",
    geography=(("Kerala", "Palakkad", ("Alathur", "Kuzhalmannam")),
               ("Kerala", "Malappuram", ("Wandoor", "Perinthalmanna"))),
    villages=("Kavassery", "Tharur", "Erimayur", "Puthucode", "Vadakkanchery", "Kottayi",
              "Peringottukurissi", "Kuthanur", "Mathur", "Kannambra", "Vandazhi", "Pazhambalacode"),
    communities=((0.55, Community(
        female=_names("""
            Lakshmi|Laxmi=ലക്ഷ്മി; Sreedevi|Sridevi=ശ്രീദേവി; Ammini|Amini=അമ്മിണി
            Omana|Omanaa=ഓമന; Shyamala|Syamala=ശ്യാമള; Sarojini|Sarojani=സരോജിനി
            Bindu|Bindhu=ബിന്ദു; Sindhu|Sindu=സിന്ധു; Geetha|Geeta=ഗീത; Mini|Minni=മിനി
            Radha|Raadha=രാധ; Suja|Sooja=സുജ; Latha|Lata=ലത; Rajani|Rajini=രജനി
            Shylaja|Shailaja|Sailaja=ഷൈലജ; Kousalya|Kausalya|Kowsalya=കൗസല്യ
            Thankamma|Thankam=തങ്കമ്മ; Usha|Usa=ഉഷ; Valsala|Vatsala=വത്സല
            Prasanna|Prasana=പ്രസന്ന; Saraswathy|Saraswathi=സരസ്വതി; Ambika|Ambica=അംബിക"""),
        male=_names("""
            Gopalan=ഗോപാലൻ; Raghavan|Ragavan=രാഘവൻ; Krishnan=കൃഷ്ണൻ; Narayanan=നാരായണൻ
            Sasidharan|Sasidaran=ശശിധരൻ; Rajan=രാജൻ; Suresh=സുരേഷ്; Babu=ബാബു
            Vijayan=വിജയൻ; Mohanan=മോഹനൻ; Kunjumon|Kunju Mon=കുഞ്ഞുമോൻ; Sivan|Shivan=ശിവൻ
            Balan=ബാലൻ; Sukumaran|Shukumaran=സുകുമാരൻ; Ravindran|Raveendran=രവീന്ദ്രൻ
            Chandran=ചന്ദ്രൻ; Prabhakaran|Prabakaran=പ്രഭാകരൻ
            Ramachandran|Ramachandren=രാമചന്ദ്രൻ
            Unnikrishnan|Unni Krishnan=ഉണ്ണികൃഷ്ണൻ; Ayyappan|Aiyappan=അയ്യപ്പൻ; Velayudhan|Velayudan=വേലായുധൻ
            Kumaran=കുമാരൻ; Madhavan=മാധവൻ; Dinesan|Dineshan=ദിനേശൻ; Satheesan|Sathishan=സതീശൻ
            Prakasan|Prakashan=പ്രകാശൻ; Manoharan=മനോഹരൻ; Chami|Chamy=ചാമി; Kannan=കണ്ണൻ; Rajesh=രാജേഷ്"""),
        surnames=_names("Nair=നായർ; Pillai|Pilla=പിള്ള; Menon=മേനോൻ; Kurup=കുറുപ്പ്; Nambiar=നമ്പ്യാർ"),
        married_titles=_names("Amma=അമ്മ"),
        style="kerala", rel_style="kerala")),
        (0.25, Community(
            female=_names("""
                Mary|Mery=മേരി; Aleyamma|Eliyamma|Aleyama=ഏലിയാമ്മ; Annamma|Anamma=അന്നമ്മ
                Thresiamma|Thresyamma|Threasiamma=ത്രേസ്യാമ്മ; Sosamma|Susamma=സോസമ്മ
                Mariamma|Mariyamma=മറിയാമ്മ; Rosamma|Rosama=റോസമ്മ; Elsy|Elsie=എൽസി
                Lissy|Lissie=ലിസി"""),
            male=_names("""
                Thomas=തോമസ്; Varghese|Varghees|Verghese=വർഗീസ്; Joseph|Josef=ജോസഫ്
                Mathew|Mathews=മാത്യു; Chacko|Chako=ചാക്കോ; Kuriakose|Kuriakkose=കുര്യാക്കോസ്
                Abraham=എബ്രഹാം; Devassy|Devasia=ദേവസ്സി; Ouseph|Ousepp=ഔസേപ്പ്; George=ജോർജ്
                Antony|Antoney=ആന്റണി; Paulose|Poulose=പൗലോസ്; Jose=ജോസ്; Baby=ബേബി
                Sebastian=സെബാസ്റ്റ്യൻ; Yohannan=യോഹന്നാൻ"""),
            surnames=(),
            style="kerala", rel_style="kerala")),
        (0.20, Community(
            female=_names("""
                Fathima|Fatima|Pathumma=ഫാത്തിമ; Sainaba|Zainaba|Zainab=സൈനബ
                Khadeeja|Khadija|Kadeeja=ഖദീജ; Ayisha|Aysha|Ayesha=ആയിഷ; Safiya|Safia=സഫിയ
                Ramla|Ramlath=റംല; Nabeesa|Nabeesu=നബീസ; Suhra|Zuhra|Zohra=സുഹ്റ"""),
            male=_names("""
                Abdul Rahiman|Abdul Rahman|Abdurahiman=അബ്ദുൾ റഹിമാൻ
                Moideen|Mohiyudheen|Moidheen=മൊയ്തീൻ; Kunhammed|Kunhahammed|Kunjahammed=കുഞ്ഞഹമ്മദ്
                Aboobacker|Abubakar|Aboobakkar=അബൂബക്കർ; Hamsa|Hamza=ഹംസ
                Muhammed|Mohammed|Muhammad=മുഹമ്മദ്; Usman|Usmaan=ഉസ്മാൻ; Basheer|Bashir=ബഷീർ
                Ali|Aly=അലി; Kunhimuhammed|Kunhi Muhammed=കുഞ്ഞിമുഹമ്മദ്; Ashraf|Asharaf=അഷ്റഫ്
                Abdulla|Abdullah=അബ്ദുള്ള; Hussain|Husain=ഹുസൈൻ; Ibrahim|Ebrahim=ഇബ്രാഹിം"""),
            surnames=(),
            married_titles=_names("Beevi|Bivi=ബീവി"),
            style="kerala", rel_style="kerala"))),
    shg_names=("Kudumbashree NHG Sneha", "Kudumbashree NHG Aiswarya", "Kudumbashree NHG Pournami",
               "Kudumbashree NHG Souhrudam", "Kudumbashree NHG Uthradam", "Kudumbashree NHG Nanma",
               "Kudumbashree NHG Samrudhi", "Kudumbashree NHG Prathiksha"),
    honorifics=("Smt.", "Mrs."), native_honorific="ശ്രീമതി",
    banks=(("SBIN", 11), ("KLGB", 14), ("CNRB", 13), ("FDRL", 14)),
    house_initials=("K", "P", "M", "V", "T", "A", "C", "E", "K.P", "P.K", "V.K", "M.K"),
)

REGIONS: tuple[Region, ...] = (BIHAR, ODISHA, TAMIL_NADU, WEST_BENGAL, MAHARASHTRA, JHARKHAND,
                               TELUGU, RAJ_MP, KERALA, ASSAM, KARNATAKA, GUJARAT)

# How a woman's name is put together, per style: (template, weight).  Tokens
# are separated by spaces; a token is parts joined by "+": g given name,
# t title (Devi, Kumari, Bai, Ben, Khatun, Amma), s surname, i initial,
# r husband's/father's given name, rt "bhai".  "g+t" writes Kamlabai.
STYLES: dict[str, tuple[tuple[str, float], ...]] = {
    "north": (("g t", 6), ("g s", 2), ("g", 1.5), ("g t s", 0.5)),
    "raj": (("g t", 4), ("g+t", 2), ("g", 2), ("g s", 1)),
    "tribal": (("g s", 6), ("g t", 2), ("g", 1)),
    "east": (("g s", 6), ("g t", 1.5), ("g", 1.2)),
    "muslim": (("g t", 5), ("g", 2.5), ("g s", 1.2)),
    "marathi": (("g r s", 5), ("s g r", 2), ("g s", 2), ("g+t", 0.5)),
    "gujarati": (("g+t r+rt s", 3), ("g+t s", 3), ("g s", 1.5), ("g t s", 1)),
    "tamil": (("i g", 4), ("g i", 3), ("g", 2), ("g r", 1)),
    "telugu": (("s g", 4), ("i g", 3), ("g s", 1), ("g", 1)),
    "kannada": (("g", 3), ("g i", 2), ("g s", 2), ("i g", 1)),
    "kerala": (("g i", 3), ("i g", 2), ("g s", 1.5), ("g t", 1), ("g", 2)),
}
# How her husband's / father's name is written: p prefix (Md.), r given, m middle
# (Kumar), s surname, si surname initial, i house initial, rt "bhai".
REL_STYLES: dict[str, tuple[tuple[str, float], ...]] = {
    "north": (("r m s", 2), ("r s", 4), ("r m", 1.5), ("r", 2)),
    "raj": (("r s", 4), ("r", 3)),
    "tribal": (("r s", 6), ("r", 2)),
    "east": (("r s", 5), ("r m s", 1.5), ("r", 2)),
    "muslim": (("p r", 2), ("p r s", 1), ("r s", 2), ("r", 3)),
    "marathi": (("r s", 4), ("s r", 1), ("r", 3)),
    "gujarati": (("r+rt s", 3), ("r s", 2), ("r", 2), ("r+rt", 1)),
    "tamil": (("r", 6),),
    "telugu": (("s r", 3), ("si r", 2), ("r", 3)),
    "kannada": (("r", 5), ("r s", 2)),
    "kerala": (("r", 5), ("i r", 2), ("r s", 1)),
}
_BHAI = {"latin": "bhai", "native": "ભાઈ"}
_NATIVE_REL_WORD = {  # typed into the name field: "सुनीता देवी पत्नी रमेश"
    ("devanagari", "husband"): "पत्नी", ("devanagari", "father"): "पुत्री",
    ("tamil", "husband"): "க/பெ", ("tamil", "father"): "த/பெ",
}
_LATIN_REL_WORD = {"husband": ("W/O", "W/o", "w/o", "Wife of", "W/O."), "father": ("D/O", "D/o", "d/o", "D/O.")}
_ABBREV = {"Kumar": ("Kr.", "Kr", "Kumaar"), "Prasad": ("Pd.", "Pd", "Prashad"), "Chandra": ("Ch.", "Chandr"),
           "Charan": ("Ch.", "Charana")}


# --------------------------------------------------------------------------- people
@dataclass
class Man:
    name: Name
    spell: int                      # his usual spelling (index into name.latin)
    middle: Name | None = None
    prefix: Name | None = None


@dataclass
class Village:
    state: str
    district: str
    block: str
    panchayat: str
    name: str
    region: Region
    index: int


@dataclass
class Household:
    hid: str
    village: Village
    community: Community
    surname: Name | None
    house_initial: str
    mobile: str | None


@dataclass
class Person:
    pid: str
    region: Region
    community: Community
    household: Household
    given: Name
    spell: int
    married: bool
    husband: Man | None
    father: Man
    natal_surname: Name | None
    natal_village: Village
    natal_initial: str
    natal_mobile: str | None
    married_title: Name | None
    maiden_title: Name | None
    birth: date
    aadhaar: str | None
    account: str | None
    natal_account: str | None
    ifsc: str
    own_mobile: str | None
    habit: dict[str, str] = field(default_factory=dict)       # stage -> member template
    rel_habit: dict[str, str] = field(default_factory=dict)   # stage -> relation template
    honorific: bool = False


def _zipf_pick(rng: random.Random, items, s: float = 0.9):
    """Early items much more often: real name lists are very skewed (many Laxmis)."""
    weights = [1.0 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights=weights, k=1)[0]


def _spell_index(rng: random.Random, name: Name) -> int:
    n = len(name.latin)
    if n == 1:
        return 0
    weights = [0.6, 0.28, 0.12, 0.06][:n] + [0.04] * max(0, n - 4)
    return rng.choices(range(n), weights=weights, k=1)[0]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def _mobile(rng: random.Random) -> str:
    return str(rng.choice("6789")) + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _account(rng: random.Random, length: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))


def _new_man(rng: random.Random, comm: Community) -> Man:
    name = _zipf_pick(rng, comm.male, 0.35)
    middle = (rng.choice(comm.middles) if comm.middles and " " not in name.key
              and rng.random() < comm.middle_share else None)
    prefix = comm.prefixes[0] if comm.prefixes and rng.random() < comm.prefix_share else None
    return Man(name, _spell_index(rng, name), middle, prefix)


# --------------------------------------------------------------------------- geography
def _villages(n_persons: int, rng: random.Random) -> list[tuple[Village, int]]:
    """Villages with how many women live in each (~80-130 persons, ~100-170 records)."""
    n_vill = max(2, round(n_persons / 95))
    sizes = [rng.randint(80, 130) for _ in range(n_vill)]
    scale = n_persons / sum(sizes)
    sizes = [max(20, round(s * scale)) for s in sizes]
    sizes[-1] += n_persons - sum(sizes)
    if sizes[-1] < 10:          # tiny remainder: give it to the previous village
        sizes[-2] += sizes[-1]
        sizes.pop()
    per_region: dict[int, list[int]] = {}
    for i in range(len(sizes)):
        per_region.setdefault((i // 2) % len(REGIONS), []).append(i)
    out: list[tuple[Village, int] | None] = [None] * len(sizes)
    for r_idx, idxs in per_region.items():
        region = REGIONS[r_idx]
        blocks = [(st, d, b) for st, d, bs in region.geography for b in bs]
        n_blocks = min(len(blocks), max(1, math.ceil(len(idxs) / 3)))
        for k, vi in enumerate(idxs):
            st, d, b = blocks[k % n_blocks]
            base = region.villages[k % len(region.villages)]
            name = base if k < len(region.villages) else f"{base}-{k // len(region.villages) + 1}"
            out[vi] = (Village(st, d, b, "", name, region, vi), sizes[vi])
    # panchayats: villages of a block in pairs, named after the first of the pair
    by_block: dict[tuple, list[Village]] = {}
    for v, _ in out:
        by_block.setdefault((v.state, v.district, v.block), []).append(v)
    for vs in by_block.values():
        for j, v in enumerate(vs):
            v.panchayat = vs[j - j % 2].name
    return out  # type: ignore[return-value]


# --------------------------------------------------------------------------- population
def _pick_community(rng: random.Random, region: Region) -> Community:
    return rng.choices([c for _, c in region.communities], weights=[w for w, _ in region.communities], k=1)[0]


def _age(rng: random.Random, lo: int, hi: int, mode: float) -> int:
    return int(round(rng.triangular(lo, hi, mode)))


def _population(rng: random.Random, n_persons: int) -> tuple[list[Person], dict]:
    villages = _villages(n_persons, rng)
    by_block: dict[tuple, list[Village]] = {}
    for v, _ in villages:
        by_block.setdefault((v.state, v.district, v.block), []).append(v)
    by_district: dict[tuple, list[Village]] = {}
    for v, _ in villages:
        by_district.setdefault((v.region.code, v.state, v.district), []).append(v)
    aadhaars: set[str] = set()
    persons: list[Person] = []
    seen_keys: set[tuple] = set()   # (block, given, man, surname): one woman per combination
    hh_no = 0

    def aadhaar() -> str | None:
        if rng.random() < 0.05:
            return None
        while True:
            a = new_aadhaar(rng)
            if a not in aadhaars:
                aadhaars.add(a)
                return a

    def bank(region: Region) -> tuple[str, str]:
        code, length = rng.choice(region.banks)
        return _account(rng, length), f"{code}0{rng.randint(100000, 999999)}"

    for village, size in villages:
        region = village.region
        others = [v for v in by_block[(village.state, village.district, village.block)] if v is not village]
        n_here = 0
        while n_here < size:
            hh_no += 1
            comm = _pick_community(rng, region)
            surname = _zipf_pick(rng, comm.surnames, 0.5) if comm.surnames else None
            hh = Household(f"H{hh_no:06d}", village, comm, surname,
                           rng.choice(region.house_initials) if region.house_initials else "",
                           _mobile(rng) if rng.random() < 0.78 else None)
            kind = _weighted(rng, (("wife", 0.62), ("mil_dil", 0.15), ("sisters_in_law", 0.10),
                                   ("mother_daughter", 0.13)))
            head = _new_man(rng, comm)
            members: list[tuple[str, int, Man, Man | None]] = []   # (role, age, father, husband)
            if kind == "wife":
                members.append(("married", _age(rng, 19, 60, 34), _new_man(rng, comm), head))
            elif kind == "mil_dil":
                son = _new_man(rng, comm)
                while son.name.key == head.name.key:      # a son is not named after his father here
                    son = _new_man(rng, comm)
                son.prefix = head.prefix
                members.append(("married", _age(rng, 46, 70, 55), _new_man(rng, comm), head))
                members.append(("married", _age(rng, 19, 36, 26), _new_man(rng, comm), son))
            elif kind == "sisters_in_law":
                brother = _new_man(rng, comm)
                while brother.name.key == head.name.key:
                    brother = _new_man(rng, comm)
                members.append(("married", _age(rng, 24, 48, 34), _new_man(rng, comm), head))
                members.append(("married", _age(rng, 21, 44, 30), _new_man(rng, comm), brother))
            else:
                members.append(("married", _age(rng, 36, 58, 44), _new_man(rng, comm), head))
                members.append(("daughter", _age(rng, 18, 25, 20), head, None))
            hh_given: set[str] = set()
            for role, age, father, husband in members:
                married = role == "married"
                man = husband if married else father
                s_key = surname.key if surname else ""
                # no two women with the same name, husband/father and surname in a block, and no
                # two women of one household with one name (a bride who has her mother-in-law's
                # name is given another one)
                for _ in range(25):
                    given = _zipf_pick(rng, comm.female, 0.75)
                    key = (village.block, given.key, man.name.key, s_key)
                    if key not in seen_keys and given.key not in hh_given:
                        break
                hh_given.add(given.key)
                seen_keys.add(key)
                if married:
                    if comm.surnames and rng.random() >= comm.same_surname_marriage:
                        natal_surname = _zipf_pick(rng, comm.surnames, 0.5)
                    else:
                        natal_surname = surname
                    u = rng.random()
                    if others and u < 0.85:
                        natal = rng.choice(others)
                    elif u < 0.93:
                        same_district = [v for v in by_district[(region.code, village.state, village.district)]
                                         if v.block != village.block]
                        natal = rng.choice(same_district) if same_district else (rng.choice(others) if others else village)
                    else:
                        natal = village
                    natal_initial = rng.choice(region.house_initials) if region.house_initials else ""
                    natal_mobile = _mobile(rng) if rng.random() < 0.7 else None
                else:
                    natal_surname, natal, natal_initial, natal_mobile = surname, village, hh.house_initial, hh.mobile
                acct, ifsc = bank(region)
                natal_acct = _account(rng, len(acct)) if married else acct
                if married and natal_surname is not None:
                    seen_keys.add((natal.block, given.key, father.name.key, natal_surname.key))
                birth = date(EXPORT_YEAR - age, 1, 1) + timedelta(days=rng.randint(0, 364))
                m_titles = comm.married_titles
                p = Person(
                    pid=f"P{len(persons) + 1:06d}", region=region, community=comm, household=hh,
                    given=given, spell=_spell_index(rng, given), married=married,
                    husband=husband if married else None, father=father,
                    natal_surname=natal_surname, natal_village=natal, natal_initial=natal_initial,
                    natal_mobile=natal_mobile,
                    married_title=_zipf_pick(rng, m_titles, 1.2) if m_titles else None,
                    maiden_title=comm.maiden_titles[0] if comm.maiden_titles else None,
                    birth=birth, aadhaar=aadhaar(),
                    account=acct if rng.random() < 0.75 else None,
                    natal_account=natal_acct if (not married or rng.random() < 0.4) else None,
                    ifsc=ifsc,
                    own_mobile=_mobile(rng) if (age < 35 and rng.random() < 0.25) else None,
                )
                for stage in ("married", "maiden"):
                    p.habit[stage] = _weighted(rng, STYLES[comm.style])
                    p.rel_habit[stage] = _weighted(rng, REL_STYLES[comm.rel_style])
                p.honorific = rng.random() < 0.08
                persons.append(p)
                n_here += 1
            # a joint account: mother-in-law and daughter-in-law often share one
            hh_persons = [q for q in persons[-len(members):]]
            if len(hh_persons) > 1 and rng.random() < 0.12:
                hh_persons[1].account = hh_persons[0].account = hh_persons[0].account or bank(region)[0]
                hh_persons[1].ifsc = hh_persons[0].ifsc
    meta = {"by_block": by_block, "by_district": by_district, "villages": [v for v, _ in villages]}
    return persons, meta


# --------------------------------------------------------------------------- bookkeeper errors
_VOWEL = set("aeiou")


def _phonetic_respell(word: str, rng: random.Random, region: Region) -> str:
    """One respelling as people really write names: ee/i, oo/u, v/b, sh/s, th/t, ksh/x, a-drop..."""
    if len(word) < 3:
        return word
    w = word
    east = region.code in ("OD", "WB", "AS")
    south = region.code in ("TN", "TG", "KA", "KL")
    rules = [
        (r"ee", "i", 3), (r"(?<=[^aeiou])i(?=[^aeiou])", "ee", 2), (r"oo", "u", 3),
        (r"(?<=[^aeiou])u(?=[^aeiou])", "oo", 1.5), (r"sh", "s", 3), (r"(?<=[aeiou])s(?=[aeiou])", "sh", 1.5),
        (r"ksh", "x", 3), (r"x", "ksh", 2), (r"w", "v", 2), (r"v", "w", 1.5),
        (r"ph", "f", 2), (r"^f", "ph", 1), (r"chh", "ch", 2), (r"(?<=[^aeiou])i$", "y", 2),
        (r"(?<=[^aeiou])y$", "i", 2), (r"(?<=[^aeiou])i$", "ee", 1.5), (r"ou", "au", 2), (r"au", "ou", 2),
        (r"(?<=[bdgkt])h", "", 2), (r"aa", "a", 2), (r"(?<=[^aeiou])a(?=[^aeiou])", "aa", 0.5),
        (r"([bcdfgjklmnprstv])\1", r"\1", 2), (r"(?<=[aeiou])([lmnt])(?=[aeiou])", r"\1\1", 1),
        (r"(?<=[^aeiou][aeiou][^aeiou])a(?=[^aeiou][aeiou])", "", 2.5),    # Kamala -> Kamla, Mamata -> Mamta
        (r"z", "j", 1.5), (r"q", "k", 1.5), (r"j(?=a)", "z", 0.5),
    ]
    if east:
        rules += [(r"v", "b", 4), (r"(?<=[^aeiou])a(?=[^aeiou])", "o", 2), (r"sh", "s", 2)]
    else:
        rules += [(r"b", "v", 0.8)]
    if south:
        rules += [(r"th", "t", 3), (r"(?<=[aeiou])t(?=[aeiou])", "th", 3), (r"dh", "d", 2), (r"(?<!t)ch", "s", 0.7)]
    low = w.lower()
    cands = [(p, r, wt) for p, r, wt in rules if re.search(p, low[1:]) and len(low) > 2]
    if not cands:
        return w
    pat, rep, _ = rng.choices(cands, weights=[c[2] for c in cands], k=1)[0]
    hits = [m for m in re.finditer(pat, low) if m.start() > 0]
    if not hits:
        return w
    m = rng.choice(hits)
    new = low[:m.start()] + m.expand(rep) + low[m.end():]
    return new[:1].upper() + new[1:] if w[:1].isupper() else new


_KEYS = "qwertyuiop asdfghjkl zxcvbnm"
_NEIGH = {}
for _row in _KEYS.split():
    for _i, _c in enumerate(_row):
        _NEIGH[_c] = (_row[_i - 1] if _i else "") + (_row[_i + 1] if _i + 1 < len(_row) else "")


def _typo(text: str, rng: random.Random) -> str:
    """A slip of the thumb on a phone keyboard."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if not letters:
        return text
    i = rng.choice(letters)
    kind = _weighted(rng, (("drop", 3), ("double", 2), ("swap", 2), ("neighbour", 3), ("space", 1.5)))
    if kind == "drop":
        return text[:i] + text[i + 1:]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    if kind == "swap" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == "space":
        if " " in text.strip():
            j = text.index(" ")
            return text[:j] + text[j + 1:]            # "Laxmi Devi" -> "LaxmiDevi"
        return text[:i] + " " + text[i:] if 2 <= i <= len(text) - 2 else text + text[-1]
    ch = text[i]
    near = _NEIGH.get(ch.lower(), "")
    if not near:
        return text[:i] + text[i + 1:]
    rep = rng.choice(near)
    return text[:i] + (rep.upper() if ch.isupper() else rep) + text[i + 1:]


def _amma(given: str) -> str:
    """Karnataka / Telangana: Lakshmi <-> Lakshmamma, Shantha <-> Shanthamma."""
    if given.endswith("amma"):
        return given[:-4] + "i" if len(given) > 6 else given
    if given.endswith("i"):
        return given[:-1] + "amma"
    if given.endswith("a"):
        return given + "mma"
    return given


# --------------------------------------------------------------------------- rendering
@dataclass
class Spec:
    """Everything that decides how one record writes the woman and her husband/father."""

    stage: str
    g: str
    title: str
    surname: str
    initial: str
    r: str
    m: str
    rs: str
    prefix: str
    tpl: str
    rel_tpl: str
    script: bool = False
    rel_script: bool = False
    honorific: str = ""
    rel_in_name: str = ""
    rel_blank: bool = False
    casing: str = "upper"


def _man_for(p: Person, stage: str) -> Man:
    return p.husband if stage == "married" and p.husband else p.father


def _surname_for(p: Person, stage: str) -> Name | None:
    return p.household.surname if stage == "married" else p.natal_surname


def _initial(p: Person, stage: str, r: str, s: str) -> str:
    if p.region.code == "KL":
        return p.household.house_initial if stage == "married" else p.natal_initial
    if p.region.code == "TG":
        return s[:1].upper() if s else r[:1].upper()
    return r[:1].upper()


def _base_spec(p: Person, stage: str, rng: random.Random) -> Spec:
    man = _man_for(p, stage)
    sname = _surname_for(p, stage)
    title = p.married_title if stage == "married" else p.maiden_title
    r = man.name.latin[man.spell]
    s = sname.latin[0] if sname else ""
    return Spec(
        stage=stage, g=p.given.latin[p.spell], title=title.latin[0] if title else "",
        surname=s, initial="", r=r, m=man.middle.latin[0] if man.middle else "", rs=s,
        prefix=man.prefix.latin[0] if man.prefix else "", tpl=p.habit[stage], rel_tpl=p.rel_habit[stage],
        honorific=rng.choice(p.region.honorifics) if p.honorific else "",
        casing=_weighted(rng, (("upper", 0.42), ("title", 0.46), ("lower", 0.04), ("asis", 0.08))),
    )


def _native_lookup(p: Person, stage: str) -> dict[str, str]:
    man = _man_for(p, stage)
    sname = _surname_for(p, stage)
    title = p.married_title if stage == "married" else p.maiden_title
    return {"g": p.given.native, "t": title.native if title else "", "s": sname.native if sname else "",
            "r": man.name.native, "m": man.middle.native if man.middle else "",
            "p": man.prefix.native if man.prefix else "", "rs": sname.native if sname else ""}


def _fill(tpl: str, parts: dict[str, str], native: bool) -> str:
    out = []
    for token in tpl.split():
        pieces = []
        for j, part in enumerate(token.split("+")):
            val = parts.get(part, "")
            if native and part in ("i", "si"):
                val = ""
            elif part in ("i", "si") and val:
                val = val + "."
            if j > 0 and not native:
                val = val.lower()
            pieces.append(val)
        if pieces and pieces[0] == "" and len(pieces) > 1:
            continue                     # "g+t" with no title: skip rather than write a bare title
        text = "".join(pieces)
        if text:
            out.append(text)
    return " ".join(out)


def _case(text: str, casing: str) -> str:
    if casing == "upper":
        return text.upper()
    if casing == "lower":
        return text.lower()
    if casing == "title":
        return " ".join(w[:1].upper() + w[1:].lower() if w[:1].isalpha() and "." not in w[1:] else w
                        for w in text.split(" "))
    return text


def _render(p: Person, spec: Spec) -> tuple[str, str]:
    """(member_name, relation_name) as the bookkeeper typed them."""
    latin = {"g": spec.g, "t": spec.title, "s": spec.surname, "r": spec.r, "m": spec.m,
             "p": spec.prefix, "rs": spec.rs, "rt": "bhai",
             "i": spec.initial or _initial(p, spec.stage, spec.r, spec.surname),
             "si": spec.rs[:1].upper() if spec.rs else ""}
    native = {**_native_lookup(p, spec.stage), "rt": _BHAI["native"], "i": "", "si": ""}
    if spec.script:
        name = _fill(spec.tpl, native, True)
    else:
        name = _case(_fill(spec.tpl, latin, False), spec.casing)
    if spec.rel_script:
        rel = _fill(spec.rel_tpl, native, True)
    else:
        rel = _case(_fill(spec.rel_tpl, latin, False), spec.casing)
    if spec.honorific:
        name = f"{spec.honorific} {name}"
    if spec.rel_in_name and rel:
        name = f"{name} {spec.rel_in_name} {rel}"
    return name, ("" if spec.rel_blank else rel)


# --------------------------------------------------------------------------- records
def _fmt_mobile(m: str, rng: random.Random) -> str:
    return _weighted(rng, ((m, 80), ("+91" + m, 5), ("+91 " + m[:5] + " " + m[5:], 3), ("0" + m, 5),
                           ("91" + m, 4), (m[:5] + " " + m[5:], 3)))


def _fmt_date(d: date, rng: random.Random, region: Region) -> str:
    main = "%d/%m/%Y" if region.code not in ("KL", "TN") else "%d-%m-%Y"
    fmt = _weighted(rng, ((main, 70), ("%Y-%m-%d", 15), ("%d-%b-%Y", 8), ("%d.%m.%Y", 7)))
    return d.strftime(fmt)


def _fmt_aadhaar(a: str, rng: random.Random) -> str:
    return _weighted(rng, ((a, 50), (f"{a[:4]} {a[4:8]} {a[8:]}", 35), (f"{a[:4]}-{a[4:8]}-{a[8:]}", 15)))


def _mask_aadhaar(a: str, rng: random.Random) -> str:
    last = a[-4:]
    return _weighted(rng, ((f"XXXX-XXXX-{last}", 40), (f"XXXX XXXX {last}", 30), (f"XXXXXXXX{last}", 20),
                           (f"xxxx xxxx {last}", 10)))


def _mistype_aadhaar(a: str, rng: random.Random) -> str:
    """One digit wrong or two swapped: Verhoeff catches both, so the number becomes invalid."""
    i = rng.randint(1, 10)
    if rng.random() < 0.5 and a[i] != a[i + 1]:
        return a[:i] + a[i + 1] + a[i] + a[i + 2:]
    d = str((int(a[i]) + rng.randint(1, 9)) % 10)
    return a[:i] + d + a[i + 1:]


def _relation_type(stage: str, rng: random.Random, region: Region) -> str:
    husband = stage == "married"
    if rng.random() < 0.03:
        husband = not husband                    # the wrong box ticked
    opts = [("Husband" if husband else "Father", 50), ("H" if husband else "F", 8),
            ("W/O" if husband else "D/O", 14), ("", 9), ("HUSBAND" if husband else "FATHER", 10)]
    if region.script == "devanagari":
        opts.append(("पति" if husband else "पिता", 6))
    return _weighted(rng, opts)


def _gender(rng: random.Random, region: Region) -> str:
    opts = [("F", 60), ("Female", 22), ("FEMALE", 6), ("", 7)]
    if region.script == "devanagari":
        opts.append(("महिला", 4))
    return _weighted(rng, opts)


@dataclass
class Record:
    person: Person
    case: str
    place: str
    village: Village
    row: dict


def _record(p: Person, case: str, rng: random.Random, meta: dict, first: Record | None) -> Record:
    stage = "maiden" if case == "marriage" else ("married" if p.married else "maiden")
    spec = _base_spec(p, stage, rng)
    region = p.region
    man = _man_for(p, stage)
    sname = _surname_for(p, stage)
    if case == "marriage":
        # entered years ago in her father's village, by another bookkeeper
        if rng.random() < 0.4:
            spec.g = p.given.latin[_spell_index(rng, p.given)]
    elif case == "respelling":
        usual = spec.g
        for _ in range(6):   # the record must really be spelled differently from her usual spelling
            g = usual
            if len(p.given.latin) > 1 and rng.random() < 0.75:
                g = rng.choice([v for v in p.given.latin if v != usual])
                if rng.random() < 0.25:
                    g = _phonetic_respell(g, rng, region)
            else:
                g = _phonetic_respell(g, rng, region)
            if g.lower() != usual.lower():
                break
        spec.g = g
        if rng.random() < 0.5:
            alts = [v for v in man.name.latin if v != spec.r]
            r = rng.choice(alts) if alts and rng.random() < 0.7 else _phonetic_respell(spec.r, rng, region)
            spec.r = r if r.lower() != spec.r.lower() else _phonetic_respell(spec.r, rng, region)
        if sname and rng.random() < 0.3:
            alts = [v for v in sname.latin if v != spec.surname]
            spec.surname = spec.rs = rng.choice(alts) if alts else _phonetic_respell(spec.surname, rng, region)
    elif case == "typo":
        target = _weighted(rng, (("g", 6), ("r", 2.5), ("s", 1.5)))
        if target == "s" and spec.surname:
            spec.surname = spec.rs = _typo(spec.surname, rng)
        elif target == "r":
            spec.r = _typo(spec.r, rng)
        else:
            spec.g = _typo(spec.g, rng)
    elif case == "format":
        changes = rng.sample(["tpl", "rel_tpl", "honorific", "rel_in_name", "title", "middle", "amma",
                              "join"], k=rng.choice((1, 2, 2, 3)))
        for ch in changes:
            if ch == "tpl":
                alts = [t for t, _ in STYLES[p.community.style] if t != spec.tpl]
                spec.tpl = rng.choice(alts)
            elif ch == "rel_tpl":
                alts = [t for t, _ in REL_STYLES[p.community.rel_style] if t != spec.rel_tpl]
                if alts:
                    spec.rel_tpl = rng.choice(alts)
            elif ch == "honorific":
                spec.honorific = "" if spec.honorific else rng.choice(region.honorifics)
            elif ch == "rel_in_name":
                spec.rel_in_name = rng.choice(_LATIN_REL_WORD["husband" if stage == "married" else "father"])
                spec.rel_blank = rng.random() < 0.4
            elif ch == "title":
                titles = p.community.married_titles if stage == "married" else p.community.maiden_titles
                t_obj = p.married_title if stage == "married" else p.maiden_title
                if t_obj and len(t_obj.latin) > 1 and rng.random() < 0.5:
                    spec.title = rng.choice(t_obj.latin[1:])
                elif titles and len(titles) > 1:
                    spec.title = rng.choice([t.latin[0] for t in titles if t.latin[0] != spec.title])
                elif "t" in spec.tpl.replace("rt", ""):
                    spec.tpl = spec.tpl.replace("+t", "").replace(" t", "").replace("t ", "") or "g"
                elif titles:
                    spec.tpl = spec.tpl + " t" if "g+t" not in spec.tpl else spec.tpl
            elif ch == "middle":
                if spec.m in _ABBREV:
                    spec.m = rng.choice(_ABBREV[spec.m])
                elif spec.prefix:
                    spec.prefix = rng.choice(("Md", "Mohammad", "Mohd.", "Sk", ""))
                elif p.community.middles and "m" not in spec.rel_tpl:
                    spec.rel_tpl = spec.rel_tpl.replace("r", "r m", 1)
                    spec.m = spec.m or p.community.middles[0].latin[0]
            elif ch == "amma":
                if region.code in ("KA", "TG"):
                    spec.g = _amma(spec.g)
                else:
                    spec.honorific = "" if spec.honorific else rng.choice(region.honorifics)
            elif ch == "join":
                if " " in spec.g:
                    spec.g = spec.g.replace(" ", "")
                elif " " in spec.r:
                    spec.r = spec.r.replace(" ", "")
                else:
                    spec.initial = (_initial(p, stage, spec.r, spec.surname) + rng.choice(("", "", "K", "M")))
    elif case == "script":
        spec.script = True
        spec.rel_script = rng.random() < 0.75
        spec.honorific = region.native_honorific if rng.random() < 0.15 else ""
        word = _NATIVE_REL_WORD.get((region.script, "husband" if stage == "married" else "father"))
        if word and rng.random() < 0.15:
            spec.rel_in_name = word
            spec.rel_script = True
    elif case == "sparse":
        if rng.random() < 0.4:
            spec.g = _phonetic_respell(spec.g, rng, region)
    # light noise any record may carry
    if case not in ("script",) and rng.random() < 0.03 and not spec.rel_in_name:
        spec.rel_in_name = rng.choice(_LATIN_REL_WORD["husband" if stage == "married" else "father"])
    member_name, relation_name = _render(p, spec)
    if rng.random() < 0.03:
        member_name = member_name.replace(" ", "  ", 1)
    if rng.random() < 0.02:
        member_name = member_name + "."

    # ---- where
    place = "same_village"
    village = p.household.village if stage == "married" else p.natal_village
    if case == "marriage":
        v0 = p.household.village
        place = ("same_village" if village is v0 else
                 "same_block" if village.block == v0.block else "other_block")
    elif first is not None:
        u = rng.random()
        block_vs = [v for v in meta["by_block"][(village.state, village.district, village.block)] if v is not village]
        dist_vs = [v for v in meta["by_district"][(region.code, village.state, village.district)]
                   if v.block != village.block]
        if u < 0.78 or not block_vs:
            pass
        elif u < 0.96 or not dist_vs:
            village, place = rng.choice(block_vs), "same_block"
        else:
            village, place = rng.choice(dist_vs), "other_block"

    # ---- age and date of birth
    lag = 0
    if case == "marriage":
        lag = rng.randint(1, max(1, min(7, EXPORT_YEAR - p.birth.year - 18)))
    elif rng.random() < 0.35:
        lag = rng.randint(1, 4)            # age entered years ago, never updated
    true_age = EXPORT_YEAR - p.birth.year - lag
    age = true_age + round(rng.gauss(0, 1.3))
    if rng.random() < 0.25:
        age = 5 * round(age / 5)           # "about 35"
    dob = ""
    if rng.random() < 0.32:
        kind = _weighted(rng, (("true", 45), ("jan1", 35), ("guess", 20)))
        if kind == "true":
            d = p.birth
        elif kind == "jan1":
            d = date(EXPORT_YEAR - lag - age, 1, 1)
        else:
            d = date(p.birth.year + rng.choice((-2, -1, 0, 1, 2)), rng.randint(1, 12), rng.randint(1, 28))
        dob = _fmt_date(d, rng, region)
        if kind == "true" and rng.random() < 0.6:
            age = EXPORT_YEAR - lag - d.year
    age_s = "" if (rng.random() < 0.08 or (dob and rng.random() < 0.35)) else str(max(16, age))

    # ---- phone
    base_mobile = (p.own_mobile or p.household.mobile) if stage == "married" else p.natal_mobile
    if first is None:
        mobile = base_mobile if base_mobile and rng.random() < 0.85 else ""
    else:
        u = rng.random()
        mobile = base_mobile if (base_mobile and u < 0.55) else (_mobile(rng) if u > 0.8 else "")
    mobile = _fmt_mobile(mobile, rng) if mobile else ""

    # ---- Aadhaar
    aad = ""
    if p.aadhaar:
        kind = _weighted(rng, (("full", 40), ("masked", 30), ("missing", 30)))
        if kind == "full":
            aad = _fmt_aadhaar(_mistype_aadhaar(p.aadhaar, rng) if rng.random() < 0.015 else p.aadhaar, rng)
        elif kind == "masked":
            aad = _mask_aadhaar(p.aadhaar, rng)

    # ---- bank
    acct = p.account if stage == "married" else p.natal_account
    if first is not None and case != "marriage" and rng.random() < 0.2:
        acct = None                        # opened a new account in the new SHG; not typed
    bank = ifsc = ""
    if acct and rng.random() < 0.6:
        bank = acct if rng.random() < 0.93 else "XXXXXX" + acct[-4:]
        ifsc = p.ifsc if rng.random() < 0.9 else ""

    relation_type = _relation_type(stage, rng, region) if relation_name or rng.random() < 0.3 else ""
    if case == "sparse":
        relation_name = relation_name if rng.random() < 0.3 else ""
        relation_type = relation_type if relation_name else ""
        mobile = aad = bank = ifsc = dob = ""
        age_s = age_s if rng.random() < 0.5 else ""

    row = {
        "state": village.state, "district": village.district, "block": village.block,
        "panchayat": village.panchayat, "village": village.name, "shg_id": "", "shg_name": "",
        "member_name": member_name.strip(), "relation_type": relation_type, "relation_name": relation_name.strip(),
        "gender": _gender(rng, region), "dob": dob, "age": age_s, "mobile": mobile, "aadhaar": aad,
        "bank_account": bank, "ifsc": ifsc,
    }
    return Record(p, "original" if first is None else case, "same_village" if first is None else place,
                  village, row)


def _dup_cases(p: Person, rng: random.Random, n: int) -> list[str]:
    weights = {"reentry": 20, "respelling": 24, "typo": 9, "format": 16, "script": 15, "marriage": 22,
               "sparse": 5}
    # NRLM records go back about ten years: a maiden record exists only for women who married since
    can_marry = p.married and 20 <= EXPORT_YEAR - p.birth.year <= 34
    out = []
    for _ in range(n):
        w = {k: v for k, v in weights.items() if (k != "marriage" or (can_marry and "marriage" not in out))}
        out.append(_weighted(rng, list(w.items())))
    return out


def _assign_shgs(records: list[Record], rng: random.Random) -> None:
    by_village: dict[int, list[int]] = {}
    for i, rec in enumerate(records):
        by_village.setdefault(rec.village.index, []).append(i)
    shg_no = 0
    for vidx, idxs in sorted(by_village.items()):
        village = records[idxs[0]].village
        region = village.region
        n_shg = max(2, math.ceil(len(idxs) / 13))
        names = list(region.shg_names)
        rng.shuffle(names)
        shgs = []
        for k in range(n_shg):
            shg_no += 1
            nm = names[k % len(names)] + ("" if k < len(names) else f"-{k // len(names) + 1}")
            shgs.append((f"{region.code}{vidx:03d}{shg_no:05d}", nm))
        order = idxs[:]
        rng.shuffle(order)
        which = {i: k % n_shg for k, i in enumerate(order)}
        # the same woman twice in one village: in two SHGs (70 %) or re-entered in the same one
        seen: dict[str, int] = {}
        for i in idxs:
            pid = records[i].person.pid
            if pid in seen:
                j = seen[pid]
                if rng.random() < 0.3:
                    which[i] = which[j]
                elif which[i] == which[j]:
                    which[i] = (which[j] + 1 + rng.randrange(n_shg - 1)) % n_shg
            else:
                seen[pid] = i
        for i in idxs:
            sid, nm = shgs[which[i]]
            records[i].row["shg_id"], records[i].row["shg_name"] = sid, nm
        # some bookkeepers type their own phone for members who have none (or for everybody)
        for k, (sid, _) in enumerate(shgs):
            if rng.random() < 0.2:
                bk = _mobile(rng)
                for i in idxs:
                    if which[i] == k and rng.random() < 0.45:
                        records[i].row["mobile"] = bk


def make_heldout(n_persons: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(members export, truth) for about ``n_persons`` women; rows ~1.35 x persons."""
    if n_persons < 20:
        raise ValueError("n_persons must be at least 20")
    rng = random.Random(seed)
    persons, meta = _population(rng, n_persons)
    records: list[Record] = []
    for p in persons:
        first = _record(p, "original", rng, meta, None)
        records.append(first)
        if rng.random() < 0.30:
            n_extra = 2 if rng.random() < 0.15 else 1
            for case in _dup_cases(p, rng, n_extra):
                records.append(_record(p, case, rng, meta, first))
    _assign_shgs(records, rng)
    order = list(range(len(records)))
    rng.shuffle(order)
    ids: set[str] = set()
    rows, truth = [], []
    for i in order:
        rec = records[i]
        while True:
            mid = str(rng.randint(10 ** 9, 10 ** 10 - 1))
            if mid not in ids:
                ids.add(mid)
                break
        rows.append({"member_id": mid, **rec.row})
        truth.append({"member_id": mid, "person_id": rec.person.pid, "case": rec.case, "place": rec.place,
                      "household_id": rec.person.household.hid, "name_key": rec.person.given.key})
    members = pd.DataFrame(rows, columns=EXPORT_COLUMNS).astype(str)
    return members, pd.DataFrame(truth, columns=TRUTH_COLUMNS).astype(str)


# --------------------------------------------------------------------------- committed file
def read_handwritten(path: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hand-written tricky rows: export columns + person_id + case (+ note)."""
    path = path or COMMITTED_DIR / "handwritten.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#", skipinitialspace=False)
    members = df[EXPORT_COLUMNS].copy()
    truth = pd.DataFrame({"member_id": df["member_id"], "person_id": df["person_id"], "case": df["case"],
                          "place": "hand", "household_id": df["household_id"],
                          "name_key": df["name_key"]})
    return members, truth


def committed_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    members, truth = make_heldout(COMMITTED_PERSONS, COMMITTED_SEED)
    hm, ht = read_handwritten()
    return (pd.concat([members, hm], ignore_index=True),
            pd.concat([truth, ht], ignore_index=True))


def write_committed(out_dir: Path = COMMITTED_DIR) -> tuple[Path, Path]:
    members, truth = committed_frames()
    out_dir.mkdir(parents=True, exist_ok=True)
    m_path, t_path = out_dir / "members.csv", out_dir / "truth.csv"
    members.to_csv(m_path, index=False, encoding="utf-8", lineterminator="\n")
    truth.to_csv(t_path, index=False, encoding="utf-8", lineterminator="\n")
    return m_path, t_path


def describe(members: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """The make-up of an export: rows, persons, duplicate share, cases, places."""
    per_person = truth.groupby("person_id").size()
    dup = truth[truth["case"] != "original"]
    return {
        "rows": int(len(members)), "persons": int(per_person.size),
        "persons_with_duplicates": int((per_person > 1).sum()),
        "duplicate_share": round(float((per_person > 1).mean()), 3),
        "true_pairs": int((per_person * (per_person - 1) // 2).sum()),
        "villages": int(members.groupby(["state", "district", "block", "village"]).ngroups),
        "states": sorted(members["state"].unique().tolist()),
        "cases": dup["case"].value_counts().to_dict(),
        "places": dup["place"].value_counts().to_dict(),
        "aadhaar": {"full": int(members["aadhaar"].str.fullmatch(r"[\d \-]{12,14}").sum()),
                    "masked": int(members["aadhaar"].str.contains("[Xx]", regex=True).sum()),
                    "missing": int((members["aadhaar"] == "").sum())},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite tests/data/heldout/members.csv + truth.csv")
    ap.add_argument("--persons", type=int, default=COMMITTED_PERSONS)
    ap.add_argument("--seed", type=int, default=COMMITTED_SEED)
    ap.add_argument("--out", type=Path, help="write a generated export here instead")
    args = ap.parse_args(argv)
    if args.write:
        m, t = write_committed()
        print(f"wrote {m} and {t}")
        members, truth = pd.read_csv(m, dtype=str, keep_default_na=False), pd.read_csv(t, dtype=str)
    else:
        members, truth = make_heldout(args.persons, args.seed)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            members.to_csv(args.out / "members.csv", index=False)
            truth.to_csv(args.out / "truth.csv", index=False)
    print(json.dumps(describe(members, truth), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
