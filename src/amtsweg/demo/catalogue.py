"""The demo service catalogue: real services of a Kreis and its towns, texts written for Amtsweg.

Named ``catalogue`` (not ``services``) because ``services.py`` means "domain writes" in this project.
LeiKa keys come from DOMAIN.md §1 or from the KDN LeiKa list; a service without a key we could find
there has an empty key. Fees are given where they are set by federal or state law and otherwise
point to the fee schedule (Gebührenordnung/-satzung) of the responsible authority.
Who is responsible for which service is defined in :mod:`amtsweg.demo.responsibilities`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceData:
    key: str  # external_id, stable across runs
    name: str
    themenfeld: str  # OZG Themenfeld code
    lebenslagen: tuple[str, ...]  # OZG Lebenslage codes
    short_text: str
    full_text: str
    prerequisites: str
    required_documents: str
    fees: str
    deadlines: str
    legal_basis: str
    processing_time: str
    keywords: tuple[str, ...]
    maturity: int  # level of the OZG-Reifegradmodell
    leika: str = ""
    audience: str = "buerger"
    procedure: str = ""


NO_DOCUMENTS = "Keine Unterlagen erforderlich; ein kurzer Anruf oder eine E-Mail genügt."
FEES_BY_SCHEDULE = "Nach der Gebührenordnung der zuständigen Behörde."

SERVICES: tuple[ServiceData, ...] = (
    # --- Melde-, Pass- und Ausweiswesen (Bürgerbüro der Stadt oder Gemeinde) --------------------
    ServiceData(
        key="coe-wohnsitz-anmelden",
        name="Wohnsitz anmelden",
        leika="99115005104000",
        themenfeld="2",
        lebenslagen=("55",),
        short_text=(
            "Wer in eine Wohnung einzieht, meldet sich innerhalb von zwei Wochen beim Bürgerbüro an."
        ),
        full_text=(
            "Wenn Sie in eine Stadt oder Gemeinde im Kreis Coesfeld ziehen, müssen Sie Ihre neue Wohnung "
            "anmelden. Das gilt auch, wenn Sie eine zweite Wohnung (Nebenwohnung) beziehen. Bei der "
            "Anmeldung wird Ihre neue Adresse im Melderegister gespeichert und auf Ihrem Personalausweis "
            "eingetragen. Eine Abmeldung bei der alten Gemeinde ist innerhalb Deutschlands nicht nötig."
        ),
        prerequisites="Sie sind in eine Wohnung im Kreis Coesfeld eingezogen.",
        required_documents=(
            "Personalausweis oder Reisepass aller Personen, die umziehen; Bestätigung des Wohnungsgebers "
            "(Vermieterbescheinigung); bei Kindern die Geburtsurkunde, wenn sie noch keinen Ausweis haben."
        ),
        fees="Die Anmeldung ist gebührenfrei.",
        deadlines="Innerhalb von zwei Wochen nach dem Einzug. Wer zu spät kommt, riskiert ein Bußgeld.",
        legal_basis="§ 17 Bundesmeldegesetz (BMG); § 19 BMG (Mitwirkung des Wohnungsgebers)",
        processing_time="Sofort bei der Vorsprache.",
        keywords=(
            "Anmeldung",
            "Umzug",
            "Zuzug",
            "Einwohnermeldeamt",
            "Meldeamt",
            "neue Wohnung",
            "Ummelden",
        ),
        maturity=2,
        procedure="Termin im Bürgerbüro vereinbaren, Unterlagen mitbringen, Meldebestätigung mitnehmen.",
    ),
    ServiceData(
        key="coe-wohnsitz-ummelden",
        name="Umzug innerhalb der Gemeinde melden",
        leika="99115005011000",
        themenfeld="2",
        lebenslagen=("55",),
        short_text=(
            "Wer innerhalb derselben Stadt oder Gemeinde umzieht, meldet die neue Adresse beim Bürgerbüro."
        ),
        full_text=(
            "Auch bei einem Umzug innerhalb Ihrer Stadt oder Gemeinde müssen Sie die neue Adresse melden. "
            "Das Bürgerbüro ändert die Adresse im Melderegister und klebt einen neuen Adressaufkleber auf "
            "Ihren Personalausweis. Die Adresse im Fahrzeugschein können Sie bei der Kfz-Zulassungsstelle "
            "ändern lassen."
        ),
        prerequisites="Sie sind innerhalb Ihrer Stadt oder Gemeinde in eine andere Wohnung gezogen.",
        required_documents=(
            "Personalausweis oder Reisepass aller umziehenden Personen; Bestätigung des Wohnungsgebers."
        ),
        fees="Gebührenfrei.",
        deadlines="Innerhalb von zwei Wochen nach dem Einzug in die neue Wohnung.",
        legal_basis="§ 17 Bundesmeldegesetz (BMG)",
        processing_time="Sofort bei der Vorsprache.",
        keywords=("Ummeldung", "Adressänderung", "Umzug", "neue Adresse"),
        maturity=2,
    ),
    ServiceData(
        key="coe-wohnsitz-abmelden",
        name="Wohnsitz abmelden",
        leika="99115005070000",
        themenfeld="2",
        lebenslagen=("55", "10"),
        short_text=(
            "Abmelden müssen Sie sich nur, wenn Sie ins Ausland ziehen oder eine Nebenwohnung aufgeben."
        ),
        full_text=(
            "Ziehen Sie innerhalb Deutschlands um, meldet Sie die neue Gemeinde automatisch ab. Eine "
            "eigene Abmeldung ist nur nötig, wenn Sie ins Ausland ziehen oder eine Nebenwohnung aufgeben, "
            "ohne eine neue Wohnung in Deutschland zu beziehen. Sie können sich frühestens eine Woche vor "
            "dem Auszug abmelden und erhalten eine Abmeldebestätigung."
        ),
        prerequisites="Sie ziehen ins Ausland oder geben eine Nebenwohnung auf.",
        required_documents="Personalausweis oder Reisepass; Angabe der neuen Adresse im Ausland.",
        fees="Gebührenfrei.",
        deadlines="Innerhalb von zwei Wochen nach dem Auszug; frühestens eine Woche vorher.",
        legal_basis="§ 17 Absatz 2 Bundesmeldegesetz (BMG)",
        processing_time="Sofort bei der Vorsprache.",
        keywords=("Abmeldung", "Wegzug", "Auswandern", "ins Ausland ziehen", "Nebenwohnung aufgeben"),
        maturity=2,
    ),
    ServiceData(
        key="coe-meldebescheinigung",
        name="Meldebescheinigung beantragen",
        leika="99115003012000",
        themenfeld="10",
        lebenslagen=("37",),
        short_text=(
            "Die Meldebescheinigung bestätigt, wo Sie gemeldet sind – etwa für Behörden oder Arbeitgeber."
        ),
        full_text=(
            "Eine Meldebescheinigung zeigt Ihre aktuelle Adresse und, wenn gewünscht, weitere Daten aus "
            "dem Melderegister. Sie wird zum Beispiel für die Eheschließung, für Behörden im Ausland oder "
            "für Arbeitgeber gebraucht. Sie erhalten sie nur für sich selbst oder mit Vollmacht."
        ),
        prerequisites="Sie sind in der Stadt oder Gemeinde gemeldet.",
        required_documents="Personalausweis oder Reisepass; bei Abholung durch andere eine Vollmacht.",
        fees="Nach der Verwaltungsgebührensatzung der Stadt oder Gemeinde, in der Regel wenige Euro.",
        deadlines="Keine.",
        legal_basis="§ 18 Bundesmeldegesetz (BMG)",
        processing_time="Sofort bei der Vorsprache; schriftlich wenige Tage.",
        keywords=("Meldebestätigung", "Wohnsitzbescheinigung", "Aufenthaltsbescheinigung"),
        maturity=3,
    ),
    ServiceData(
        key="coe-melderegisterauskunft",
        name="Einfache Melderegisterauskunft",
        leika="99115004001001",
        themenfeld="10",
        lebenslagen=("37",),
        audience="beide",
        short_text=(
            "Sie suchen die aktuelle Adresse einer Person? Das Bürgerbüro gibt eine einfache Auskunft."
        ),
        full_text=(
            "Mit einer einfachen Melderegisterauskunft erfahren Sie Namen, Doktorgrad und aktuelle "
            "Anschrift einer Person, etwa wenn Sie Geld zurückfordern oder Post zustellen müssen. Sie "
            "müssen die Person eindeutig bezeichnen. Hat die Person eine Auskunftssperre, wird keine "
            "Adresse mitgeteilt."
        ),
        prerequisites=(
            "Sie können die gesuchte Person eindeutig bezeichnen (Name und frühere Adresse oder "
            "Geburtsdatum)."
        ),
        required_documents="Angaben zur gesuchten Person; Ihr Personalausweis bei persönlicher Vorsprache.",
        fees="Nach der Verwaltungsgebührensatzung der Stadt oder Gemeinde.",
        deadlines="Keine.",
        legal_basis="§ 44 Bundesmeldegesetz (BMG)",
        processing_time="Meist sofort; schriftliche Anfragen wenige Tage.",
        keywords=("Adresse herausfinden", "Anschrift ermitteln", "Adressauskunft", "Einwohnermeldeamt"),
        maturity=3,
    ),
    ServiceData(
        key="coe-personalausweis",
        name="Personalausweis beantragen",
        leika="99008001012000",
        themenfeld="10",
        lebenslagen=("37",),
        short_text="Den Personalausweis beantragen Sie persönlich im Bürgerbüro Ihres Wohnorts.",
        full_text=(
            "Alle Deutschen ab 16 Jahren müssen einen gültigen Personalausweis oder Reisepass besitzen. "
            "Der Ausweis wird in der Bundesdruckerei hergestellt und ist für Personen ab 24 Jahren zehn "
            "Jahre gültig, für Jüngere sechs Jahre. Die Online-Ausweisfunktion ist eingeschaltet; damit "
            "können Sie sich bei vielen Online-Diensten der Verwaltung ausweisen. Bei der Antragstellung "
            "werden Ihre Fingerabdrücke aufgenommen. Ist Ihr Ausweis verloren gegangen oder gestohlen "
            "worden, melden Sie den Verlust im Bürgerbüro (bei Diebstahl auch der Polizei) und beantragen "
            "Sie dort gleich einen neuen Ausweis."
        ),
        prerequisites=(
            "Deutsche Staatsangehörigkeit und Wohnsitz in der Stadt oder Gemeinde. Persönliches Erscheinen."
        ),
        required_documents=(
            "Bisheriger Ausweis oder Reisepass; ein aktuelles biometrisches Passfoto (digital erstellt "
            "oder von einem Fotostudio elektronisch übermittelt); bei Erstausstellung die Geburtsurkunde."
        ),
        fees=(
            "Nach der Personalausweisgebührenverordnung: 46,00 Euro ab 24 Jahren, 22,80 Euro unter 24 "
            "Jahren (Stand 2025)."
        ),
        deadlines="Rechtzeitig vor Ablauf des alten Ausweises beantragen.",
        legal_basis="§ 9 Personalausweisgesetz (PAuswG); Personalausweisgebührenverordnung (PAuswGebV)",
        processing_time="Etwa drei bis vier Wochen.",
        keywords=(
            "Perso",
            "Ausweis",
            "Personalausweis verlängern",
            "Ausweis abgelaufen",
            "eID",
            "Perso verloren",
            "Ausweis verloren",
            "Ausweis weg",
            "Ausweis gestohlen",
        ),
        maturity=1,
    ),
    ServiceData(
        key="coe-reisepass",
        name="Reisepass beantragen",
        leika="99085001012000",
        themenfeld="9",
        lebenslagen=("10",),
        short_text=(
            "Für Reisen in viele Länder brauchen Sie einen Reisepass. Sie beantragen ihn im Bürgerbüro."
        ),
        full_text=(
            "Der elektronische Reisepass wird in der Bundesdruckerei hergestellt und ist für Personen ab "
            "24 Jahren zehn Jahre gültig, für Jüngere sechs Jahre. Für Kinder gibt es seit 2024 keinen "
            "Kinderreisepass mehr; sie erhalten ebenfalls einen Reisepass oder einen Personalausweis. Bei "
            "dringenden Reisen ist ein Express-Pass oder ein vorläufiger Reisepass möglich."
        ),
        prerequisites=(
            "Deutsche Staatsangehörigkeit und Wohnsitz in der Stadt oder Gemeinde. Persönliches Erscheinen."
        ),
        required_documents=(
            "Personalausweis oder bisheriger Reisepass; aktuelles biometrisches Passfoto; bei Kindern die "
            "Zustimmung aller Sorgeberechtigten."
        ),
        fees=(
            "Nach der Passverordnung: 70,00 Euro ab 24 Jahren, 37,50 Euro unter 24 Jahren (Stand 2025); "
            "Express-Zuschlag zusätzlich."
        ),
        deadlines="Rechtzeitig vor der Reise beantragen; Einreisebestimmungen des Ziellandes beachten.",
        legal_basis="§ 6 Passgesetz (PassG); Passverordnung (PassV)",
        processing_time="Etwa drei bis vier Wochen, im Expressverfahren wenige Werktage.",
        keywords=("Pass", "Reisepass verlängern", "Expresspass", "Kinderpass"),
        maturity=1,
    ),
    ServiceData(
        key="coe-fuehrungszeugnis",
        name="Führungszeugnis beantragen",
        leika="99049001001000",
        themenfeld="10",
        lebenslagen=("37", "7"),
        short_text=(
            "Ein Führungszeugnis zeigt Einträge im Bundeszentralregister. Sie beantragen es im Bürgerbüro "
            "oder online beim Bundesamt für Justiz."
        ),
        full_text=(
            "Arbeitgeber, Vereine oder Behörden verlangen oft ein Führungszeugnis. Für Tätigkeiten mit "
            "Kindern und Jugendlichen gibt es das erweiterte Führungszeugnis; dafür brauchen Sie eine "
            "schriftliche Aufforderung der Stelle, die es verlangt. Das Führungszeugnis wird vom Bundesamt "
            "für Justiz ausgestellt und an Sie oder direkt an eine Behörde geschickt."
        ),
        prerequisites="Mindestalter 14 Jahre.",
        required_documents=(
            "Personalausweis oder Reisepass; für ein erweitertes Führungszeugnis die schriftliche "
            "Aufforderung der anfordernden Stelle."
        ),
        fees=(
            "13,00 Euro; Befreiung ist zum Beispiel bei ehrenamtlicher Tätigkeit oder geringem Einkommen "
            "möglich."
        ),
        deadlines="Keine.",
        legal_basis="§§ 30, 30a Bundeszentralregistergesetz (BZRG)",
        processing_time="In der Regel ein bis zwei Wochen.",
        keywords=("polizeiliches Führungszeugnis", "erweitertes Führungszeugnis", "Leumundszeugnis"),
        maturity=4,
    ),
    ServiceData(
        key="coe-wahlschein",
        name="Wahlschein und Briefwahl beantragen",
        leika="99128009012000",
        themenfeld="5",
        lebenslagen=("20",),
        short_text=(
            "Wer per Brief wählen möchte, beantragt einen Wahlschein bei seiner Stadt oder Gemeinde."
        ),
        full_text=(
            "Mit einem Wahlschein können Sie per Briefwahl oder in einem anderen Wahllokal Ihres "
            "Wahlkreises wählen. Sie können den Wahlschein mit der Rückseite der Wahlbenachrichtigung, "
            "online oder persönlich beantragen. Die Briefwahlunterlagen werden Ihnen zugeschickt oder "
            "können sofort im Briefwahlbüro ausgefüllt werden."
        ),
        prerequisites="Sie sind wahlberechtigt und im Wählerverzeichnis eingetragen.",
        required_documents=(
            "Wahlbenachrichtigung oder Personalausweis; bei Abholung für andere eine schriftliche Vollmacht."
        ),
        fees="Gebührenfrei.",
        deadlines=(
            "Bei Bundestags-, Landtags- und Kommunalwahlen bis Freitag vor der Wahl, 18 Uhr; bei "
            "nachgewiesener plötzlicher Erkrankung bis zum Wahltag, 15 Uhr."
        ),
        legal_basis=(
            "§ 36 Bundeswahlgesetz (BWahlG); §§ 25 bis 28 Bundeswahlordnung (BWO); Kommunalwahlgesetz NRW"
        ),
        processing_time="Wenige Tage; im Briefwahlbüro sofort.",
        keywords=("Briefwahl", "Briefwahlunterlagen", "Wählen per Post", "Wahlbenachrichtigung"),
        maturity=3,
    ),
    ServiceData(
        key="coe-fundsachen",
        name="Fundsache abgeben oder Verlust melden",
        leika="99089017000000",
        themenfeld="11",
        lebenslagen=("54",),
        short_text="Das Fundbüro nimmt gefundene Gegenstände an und hilft, Verlorenes wiederzufinden.",
        full_text=(
            "Wer etwas verloren hat, kann beim Fundbüro der Stadt oder Gemeinde nachfragen, ob es "
            "abgegeben wurde. Wer etwas findet, das mehr als zehn Euro wert ist, muss den Fund melden oder "
            "abgeben. Meldet sich der Eigentümer nicht innerhalb von sechs Monaten, kann die Finderin "
            "oder der Finder den Gegenstand bekommen. Auch ein zugelaufenes Tier, etwa ein Hund oder eine "
            "Katze, ist ein Fund: Melden Sie es dem Fundbüro, das die Unterbringung im Tierheim regelt."
        ),
        prerequisites="Keine.",
        required_documents=(
            "Beim Abholen: Personalausweis und eine genaue Beschreibung des Gegenstands oder ein "
            "Eigentumsnachweis."
        ),
        fees="Finderlohn nach § 971 BGB; Aufbewahrungsgebühr nach der Satzung der Stadt oder Gemeinde.",
        deadlines="Fund unverzüglich melden; Aufbewahrung in der Regel sechs Monate.",
        legal_basis="§§ 965 bis 984 Bürgerliches Gesetzbuch (BGB)",
        processing_time="Sofort.",
        keywords=(
            "Fundbüro",
            "verloren",
            "gefunden",
            "Schlüssel verloren",
            "Portemonnaie gefunden",
            "Fundtier",
            "Tier zugelaufen",
            "Hund gefunden",
        ),
        maturity=1,
    ),
    ServiceData(
        key="coe-beglaubigung",
        name="Kopien und Unterschriften amtlich beglaubigen",
        leika="99014003035000",
        themenfeld="10",
        lebenslagen=("37",),
        short_text=(
            "Das Bürgerbüro beglaubigt Kopien von Zeugnissen und Urkunden für Bewerbungen und Anträge."
        ),
        full_text=(
            "Eine amtliche Beglaubigung bestätigt, dass eine Kopie mit dem Original übereinstimmt oder "
            "dass eine Unterschrift von Ihnen stammt. Sie wird für Vorlagen bei Behörden gebraucht. "
            "Urkunden für Grundbuch und Handelsregister beglaubigt nur eine Notarin oder ein Notar; "
            "Personenstandsurkunden stellt das Standesamt neu aus."
        ),
        prerequisites="Die Beglaubigung ist zur Vorlage bei einer Behörde bestimmt.",
        required_documents="Original und Kopie; bei Unterschriften der Personalausweis.",
        fees="Nach der Verwaltungsgebührensatzung der Stadt oder Gemeinde, je Seite wenige Euro.",
        deadlines="Keine.",
        legal_basis="§§ 33, 34 Verwaltungsverfahrensgesetz NRW (VwVfG NRW)",
        processing_time="Sofort.",
        keywords=("Beglaubigung", "beglaubigte Kopie", "Zeugnis beglaubigen", "Unterschrift beglaubigen"),
        maturity=1,
    ),
    # --- Standesamt ------------------------------------------------------------------------------
    ServiceData(
        key="coe-geburtsurkunde",
        name="Geburtsurkunde beantragen",
        leika="99027002012000",
        themenfeld="6",
        lebenslagen=("26", "37"),
        short_text="Geburtsurkunden stellt das Standesamt des Geburtsorts aus.",
        full_text=(
            "Nach der Geburt eines Kindes beurkundet das Standesamt des Geburtsorts die Geburt. Eine "
            "Geburtsurkunde brauchen Sie zum Beispiel für Elterngeld, Kindergeld, die Eheschließung oder "
            "den ersten Ausweis. Urkunden erhalten die Person selbst, Eltern, Kinder, Ehegatten und "
            "Personen mit rechtlichem Interesse."
        ),
        prerequisites="Die Geburt wurde in der Stadt oder Gemeinde beurkundet.",
        required_documents="Personalausweis; bei Antrag für Dritte eine Vollmacht.",
        fees=(
            "Nach der Allgemeinen Verwaltungsgebührenordnung NRW (AVwGebO NRW); jede weitere gleichzeitig "
            "beantragte Urkunde ist günstiger."
        ),
        deadlines="Die Geburt muss innerhalb einer Woche beim Standesamt angezeigt werden.",
        legal_basis="§§ 18, 55, 59, 62 Personenstandsgesetz (PStG)",
        processing_time="Sofort bei Vorsprache; schriftlich wenige Tage.",
        keywords=(
            "Geburtsbescheinigung",
            "Abstammungsurkunde",
            "Geburtsregister",
            "Urkunde Baby",
            "Geburt anzeigen",
            "Kind bekommen",
        ),
        maturity=3,
    ),
    ServiceData(
        key="coe-eheschliessung-anmelden",
        name="Eheschließung anmelden",
        leika="99059001104000",
        themenfeld="6",
        lebenslagen=("18",),
        short_text="Wer heiraten möchte, meldet die Eheschließung beim Standesamt des Wohnorts an.",
        full_text=(
            "Vor der Trauung prüft das Standesamt, ob Sie heiraten dürfen. Melden Sie die Eheschließung "
            "gemeinsam beim Standesamt an, in dessen Bezirk einer von Ihnen wohnt. Die Trauung kann danach "
            "bei jedem Standesamt in Deutschland stattfinden. Bei ausländischer Staatsangehörigkeit oder "
            "früheren Ehen werden weitere Unterlagen gebraucht; lassen Sie sich früh beraten."
        ),
        prerequisites="Beide sind volljährig und nicht verheiratet oder verpartnert.",
        required_documents=(
            "Personalausweise oder Reisepässe; beglaubigte Abschriften aus dem Geburtenregister; bei "
            "früheren Ehen Nachweise über deren Auflösung."
        ),
        fees="Nach der Allgemeinen Verwaltungsgebührenordnung NRW (AVwGebO NRW); mit Auslandsbezug höher.",
        deadlines="Die Anmeldung ist sechs Monate gültig; die Trauung muss in dieser Zeit stattfinden.",
        legal_basis=(
            "§§ 1303 bis 1312 Bürgerliches Gesetzbuch (BGB); §§ 11 bis 13 Personenstandsgesetz (PStG)"
        ),
        processing_time="Je nach Fall wenige Tage bis mehrere Wochen.",
        keywords=("Heiraten", "Hochzeit", "Trauung", "Standesamt", "Aufgebot"),
        maturity=1,
    ),
    ServiceData(
        key="coe-sterbeurkunde",
        name="Sterbefall anzeigen und Sterbeurkunde beantragen",
        leika="99101004012000",
        themenfeld="8",
        lebenslagen=("48",),
        short_text=(
            "Ein Sterbefall wird beim Standesamt des Sterbeorts angezeigt; dort erhalten Angehörige die "
            "Sterbeurkunden."
        ),
        full_text=(
            "Stirbt ein Mensch, muss der Sterbefall spätestens am dritten Werktag beim Standesamt "
            "angezeigt werden. Meist übernimmt das ein Bestattungsunternehmen. Sterbeurkunden brauchen "
            "Angehörige für Rentenversicherung, Banken, Versicherungen und das Nachlassgericht."
        ),
        prerequisites="Der Sterbefall ist in der Stadt oder Gemeinde eingetreten.",
        required_documents=(
            "Todesbescheinigung der Ärztin oder des Arztes; Personalausweis der verstorbenen Person; "
            "Geburts- oder Heiratsurkunde je nach Familienstand."
        ),
        fees="Nach der Allgemeinen Verwaltungsgebührenordnung NRW (AVwGebO NRW), je Urkunde.",
        deadlines="Anzeige spätestens am dritten Werktag nach dem Tod.",
        legal_basis="§§ 28 bis 31 Personenstandsgesetz (PStG)",
        processing_time="Wenige Tage.",
        keywords=("Todesfall", "Sterbefall melden", "Beerdigung", "Todesurkunde"),
        maturity=1,
    ),
    ServiceData(
        key="coe-vaterschaftsanerkennung",
        name="Vaterschaft anerkennen",
        leika="99133001026000",
        themenfeld="6",
        lebenslagen=("26",),
        short_text=(
            "Sind die Eltern nicht verheiratet, kann der Vater die Vaterschaft beim Standesamt anerkennen."
        ),
        full_text=(
            "Sind die Eltern bei der Geburt nicht miteinander verheiratet, wird der Vater erst durch die "
            "Anerkennung rechtlich Vater des Kindes. Die Anerkennung ist schon vor der Geburt möglich und "
            "braucht die Zustimmung der Mutter. Sie wird beim Standesamt, beim Jugendamt oder bei einer "
            "Notarin oder einem Notar beurkundet."
        ),
        prerequisites="Die Eltern sind nicht miteinander verheiratet; die Mutter stimmt zu.",
        required_documents=(
            "Personalausweise beider Eltern; Geburtsurkunde des Kindes oder Mutterpass, wenn das Kind noch "
            "nicht geboren ist."
        ),
        fees="Beim Standesamt und beim Jugendamt gebührenfrei.",
        deadlines="Keine; am besten vor der Geburt.",
        legal_basis=(
            "§§ 1592, 1594 bis 1598 Bürgerliches Gesetzbuch (BGB); § 44 Personenstandsgesetz (PStG)"
        ),
        processing_time="Sofort bei der Beurkundung.",
        keywords=("Vaterschaftsanerkennung", "Vater werden unverheiratet", "Vaterschaft"),
        maturity=1,
    ),
    # --- Ordnungsamt und Gewerbe -----------------------------------------------------------------
    ServiceData(
        key="coe-gewerbe-anmelden",
        name="Gewerbe anmelden",
        leika="99050012104000",
        themenfeld="14",
        lebenslagen=("50",),
        audience="unternehmen",
        short_text="Wer ein Gewerbe beginnt, meldet es beim Gewerbeamt der Stadt oder Gemeinde an.",
        full_text=(
            "Wer selbstständig ein Gewerbe betreibt, muss es zu Beginn anmelden. Die Gewerbeanmeldung wird "
            "an Finanzamt, Handwerkskammer oder IHK, Berufsgenossenschaft und weitere Stellen "
            "weitergeleitet. Freie Berufe wie Ärztinnen, Anwälte oder Künstler brauchen keine "
            "Gewerbeanmeldung. Für manche Gewerbe ist zusätzlich eine Erlaubnis nötig."
        ),
        prerequisites="Sie beginnen ein Gewerbe in der Stadt oder Gemeinde.",
        required_documents=(
            "Personalausweis oder Reisepass; bei Gesellschaften ein Auszug aus dem Handelsregister; bei "
            "erlaubnispflichtigen Gewerben die Erlaubnis; bei ausländischen Staatsangehörigen der "
            "Aufenthaltstitel."
        ),
        fees="Nach der Verwaltungsgebührensatzung der Stadt oder Gemeinde, meist 20 bis 40 Euro.",
        deadlines="Gleichzeitig mit dem Beginn der Tätigkeit.",
        legal_basis="§ 14 Gewerbeordnung (GewO)",
        processing_time="Sofort bei Vorsprache, online wenige Tage.",
        keywords=(
            "Gewerbeanmeldung",
            "Gewerbeschein",
            "selbstständig machen",
            "Firma gründen",
            "Kleingewerbe",
        ),
        maturity=3,
    ),
    ServiceData(
        key="coe-gewerbe-ummelden",
        name="Gewerbe ummelden",
        leika="99050012071000",
        themenfeld="14",
        lebenslagen=("50",),
        audience="unternehmen",
        short_text="Ändern sich Sitz oder Tätigkeit Ihres Betriebs, melden Sie das beim Gewerbeamt.",
        full_text=(
            "Eine Ummeldung ist nötig, wenn der Betrieb innerhalb der Gemeinde umzieht, wenn Sie die "
            "Tätigkeit ändern oder erweitern oder wenn sich der Name ändert. Zieht der Betrieb in eine "
            "andere Gemeinde, melden Sie ihn dort neu an und hier ab."
        ),
        prerequisites="Ihr Gewerbe ist in der Stadt oder Gemeinde angemeldet.",
        required_documents="Personalausweis; bisherige Gewerbeanmeldung; gegebenenfalls neue Erlaubnisse.",
        fees="Nach der Verwaltungsgebührensatzung der Stadt oder Gemeinde.",
        deadlines="Gleichzeitig mit der Änderung.",
        legal_basis="§ 14 Gewerbeordnung (GewO)",
        processing_time="Sofort bei Vorsprache, online wenige Tage.",
        keywords=("Gewerbeummeldung", "Betriebsverlegung", "Gewerbe ändern", "Betriebsumzug"),
        maturity=3,
    ),
    ServiceData(
        key="coe-gewerbe-abmelden",
        name="Gewerbe abmelden",
        leika="99050012070000",
        themenfeld="14",
        lebenslagen=("28",),
        audience="unternehmen",
        short_text="Wer seinen Betrieb aufgibt, meldet das Gewerbe beim Gewerbeamt ab.",
        full_text=(
            "Geben Sie Ihr Gewerbe auf oder verlegen Sie es in eine andere Gemeinde, müssen Sie es "
            "abmelden. Die Abmeldung wird an Finanzamt und Kammern weitergeleitet."
        ),
        prerequisites="Ihr Gewerbe ist in der Stadt oder Gemeinde angemeldet.",
        required_documents="Personalausweis; bei Gesellschaften ein aktueller Handelsregisterauszug.",
        fees="Nach der Verwaltungsgebührensatzung der Stadt oder Gemeinde.",
        deadlines="Gleichzeitig mit der Aufgabe des Betriebs.",
        legal_basis="§ 14 Gewerbeordnung (GewO)",
        processing_time="Sofort bei Vorsprache, online wenige Tage.",
        keywords=("Gewerbeabmeldung", "Betriebsaufgabe", "Gewerbe aufgeben", "Geschäft schließen"),
        maturity=3,
    ),
    ServiceData(
        key="coe-sondernutzung",
        name="Sondernutzungserlaubnis für öffentliche Straßen",
        leika="99108012005000",
        themenfeld="14",
        lebenslagen=("52",),
        audience="beide",
        short_text=(
            "Wer Gehweg oder Straße mehr als üblich nutzt – etwa für Container, Gerüst oder "
            "Außengastronomie – braucht eine Erlaubnis."
        ),
        full_text=(
            "Öffentliche Straßen dürfen alle zum Verkehr nutzen. Wer darüber hinaus etwas aufstellt, zum "
            "Beispiel einen Bauschuttcontainer, ein Gerüst, Tische und Stühle vor einem Café, Werbetafeln "
            "oder einen Verkaufsstand, braucht eine Sondernutzungserlaubnis. Muss dafür der Verkehr "
            "eingeschränkt werden, ist zusätzlich eine verkehrsrechtliche Anordnung nötig."
        ),
        prerequisites="Die Nutzung gefährdet den Verkehr nicht unzumutbar.",
        required_documents="Antrag mit Lageplan, Zeitraum und Größe der genutzten Fläche.",
        fees="Sondernutzungsgebühren nach der Sondernutzungssatzung der Stadt oder Gemeinde.",
        deadlines="Mindestens zwei Wochen vor Beginn beantragen.",
        legal_basis=(
            "§ 18 Straßen- und Wegegesetz des Landes Nordrhein-Westfalen (StrWG NRW); § 8 "
            "Bundesfernstraßengesetz (FStrG)"
        ),
        processing_time="In der Regel ein bis zwei Wochen.",
        keywords=(
            "Container auf der Straße",
            "Gerüst aufstellen",
            "Außengastronomie",
            "Straßennutzung",
            "Plakate",
        ),
        maturity=2,
    ),
    ServiceData(
        key="coe-bewohnerparkausweis",
        name="Bewohnerparkausweis beantragen",
        leika="99108001001000",
        themenfeld="9",
        lebenslagen=("31",),
        short_text="In Bewohnerparkzonen dürfen Anwohnende mit einem Parkausweis parken.",
        full_text=(
            "Einige Städte haben in dicht bebauten Straßen Bewohnerparkzonen eingerichtet. Wer dort mit "
            "Hauptwohnsitz gemeldet ist und ein Fahrzeug hält oder dauerhaft nutzt, kann einen "
            "Bewohnerparkausweis bekommen. Ob es in Ihrer Straße eine Bewohnerparkzone gibt, erfahren Sie "
            "beim Ordnungsamt."
        ),
        prerequisites=(
            "Hauptwohnsitz in der Bewohnerparkzone; das Fahrzeug ist auf Sie zugelassen oder wird "
            "dauerhaft von Ihnen genutzt."
        ),
        required_documents=(
            "Personalausweis; Fahrzeugschein; bei Firmen- oder Leihwagen eine Nutzungsbestätigung."
        ),
        fees="Nach der Gebührenordnung der Stadt oder Gemeinde für Bewohnerparkausweise.",
        deadlines="Der Ausweis gilt befristet und muss rechtzeitig verlängert werden.",
        legal_basis="§ 45 Absatz 1b Straßenverkehrs-Ordnung (StVO); § 6a Straßenverkehrsgesetz (StVG)",
        processing_time="Sofort bei Vorsprache.",
        keywords=("Anwohnerparkausweis", "Anwohnerparken", "Parkausweis Anwohner", "Bewohnerparken"),
        maturity=2,
    ),
    ServiceData(
        key="coe-fischereischein",
        name="Fischereischein beantragen",
        leika="99042001012000",
        themenfeld="5",
        lebenslagen=("23",),
        short_text=(
            "Wer angeln möchte, braucht einen Fischereischein. Ihn stellt die Stadt oder Gemeinde aus."
        ),
        full_text=(
            "In Nordrhein-Westfalen braucht, wer Fische fängt, einen Fischereischein und zusätzlich die "
            "Erlaubnis der Person, der das Fischereirecht am Gewässer zusteht. Voraussetzung ist die "
            "bestandene Fischerprüfung. Für Kinder und Jugendliche gibt es einen Jugendfischereischein "
            "ohne Prüfung."
        ),
        prerequisites="Bestandene Fischerprüfung (nicht für den Jugendfischereischein).",
        required_documents=(
            "Personalausweis; Prüfungszeugnis der Fischerprüfung; bei Verlängerung der alte Fischereischein."
        ),
        fees="Verwaltungsgebühr nach Gebührenordnung zuzüglich Fischereiabgabe des Landes.",
        deadlines="Keine; der Schein ist befristet gültig und kann verlängert werden.",
        legal_basis="Landesfischereigesetz Nordrhein-Westfalen (LFischG NRW)",
        processing_time="Sofort bei Vorsprache.",
        keywords=("Angelschein", "Angeln", "Fischerprüfung", "Angelkarte"),
        maturity=1,
    ),
    ServiceData(
        key="coe-grosser-hund",
        name="Haltung eines großen Hundes anzeigen",
        leika="99110009104000",
        themenfeld="5",
        lebenslagen=("47",),
        short_text=(
            "Wer einen Hund mit mindestens 40 Zentimetern Schulterhöhe oder 20 Kilogramm hält, meldet das "
            "dem Ordnungsamt."
        ),
        full_text=(
            "Nach dem Landeshundegesetz müssen Halterinnen und Halter großer Hunde die Haltung anzeigen "
            "und nachweisen, dass sie zuverlässig und sachkundig sind, dass der Hund gechippt und "
            "haftpflichtversichert ist. Für bestimmte gefährliche Hunde gelten strengere Regeln und eine "
            "Erlaubnispflicht."
        ),
        prerequisites="Sie halten einen großen Hund (mindestens 40 cm Schulterhöhe oder 20 kg Gewicht).",
        required_documents=(
            "Nachweis der Sachkunde; Nachweis der Haftpflichtversicherung; Nachweis des Mikrochips; auf "
            "Anforderung ein Führungszeugnis."
        ),
        fees=FEES_BY_SCHEDULE,
        deadlines="Vor Beginn der Haltung.",
        legal_basis="§ 11 Landeshundegesetz Nordrhein-Westfalen (LHundG NRW)",
        processing_time="Wenige Tage bis zwei Wochen.",
        keywords=("großer Hund", "20-40-Hund", "Landeshundegesetz", "Sachkundenachweis Hund"),
        maturity=2,
    ),
    # --- Steuern der Stadt oder Gemeinde ---------------------------------------------------------
    ServiceData(
        key="coe-hundesteuer-anmelden",
        name="Hund zur Hundesteuer anmelden",
        leika="99102013104000",
        themenfeld="12",
        lebenslagen=("45", "47"),
        short_text="Wer einen Hund hält, meldet ihn beim Steueramt an und erhält eine Hundesteuermarke.",
        full_text=(
            "Städte und Gemeinden erheben für das Halten von Hunden eine Hundesteuer. Melden Sie Ihren "
            "Hund nach der Anschaffung oder nach dem Zuzug an. Sie erhalten einen Steuerbescheid und eine "
            "Hundesteuermarke, die der Hund außerhalb der Wohnung tragen soll. Für Blindenführhunde und in "
            "einigen weiteren Fällen gibt es Befreiungen."
        ),
        prerequisites="Sie halten einen Hund, der älter als drei Monate ist.",
        required_documents="Angaben zum Hund (Rasse, Alter, Chipnummer); bei Befreiungsanträgen Nachweise.",
        fees=(
            "Keine Gebühr; die Höhe der Steuer richtet sich nach der Hundesteuersatzung der Stadt oder "
            "Gemeinde."
        ),
        deadlines=(
            "In der Regel innerhalb von zwei Wochen nach Beginn der Haltung (siehe Hundesteuersatzung)."
        ),
        legal_basis="§ 3 Kommunalabgabengesetz NRW (KAG NRW); Hundesteuersatzung der Stadt oder Gemeinde",
        processing_time="Der Bescheid kommt in wenigen Wochen.",
        keywords=("Hund anmelden", "Hundemarke", "Hundesteuer", "Welpe"),
        maturity=3,
    ),
    ServiceData(
        key="coe-hundesteuer-abmelden",
        name="Hund von der Hundesteuer abmelden",
        themenfeld="12",
        lebenslagen=("45", "47"),
        short_text=(
            "Ist Ihr Hund gestorben, abgegeben oder ziehen Sie weg, melden Sie ihn beim Steueramt ab."
        ),
        full_text=(
            "Die Hundesteuerpflicht endet mit dem Monat, in dem die Haltung endet. Melden Sie den Hund ab "
            "und geben Sie die Steuermarke zurück. Bei Abgabe an eine andere Person nennen Sie deren Namen "
            "und Anschrift."
        ),
        prerequisites="Der Hund ist bei der Stadt oder Gemeinde angemeldet.",
        required_documents=(
            "Hundesteuermarke; bei Tod des Hundes eine Bescheinigung der Tierarztpraxis, falls vorhanden."
        ),
        fees="Gebührenfrei.",
        deadlines="Innerhalb von zwei Wochen nach Ende der Haltung (siehe Hundesteuersatzung).",
        legal_basis="Hundesteuersatzung der Stadt oder Gemeinde; Kommunalabgabengesetz NRW (KAG NRW)",
        processing_time="Wenige Wochen.",
        keywords=("Hund abmelden", "Hundesteuermarke zurückgeben", "Hund verstorben"),
        maturity=3,
    ),
    ServiceData(
        key="coe-grundsteuer",
        name="Grundsteuer: Bescheid, Zahlung und Erlass",
        leika="99102012002000",
        themenfeld="2",
        lebenslagen=("55", "45"),
        audience="beide",
        short_text=(
            "Eigentümerinnen und Eigentümer von Grundstücken zahlen Grundsteuer an ihre Stadt oder Gemeinde."
        ),
        full_text=(
            "Die Grundsteuer wird von der Stadt oder Gemeinde festgesetzt. Grundlage ist der Messbetrag, "
            "den das Finanzamt berechnet, multipliziert mit dem Hebesatz der Gemeinde. Seit 2025 gilt die "
            "neue Bewertung nach der Grundsteuerreform. Fragen zum Messbetrag richten Sie an das "
            "Finanzamt, Fragen zum Bescheid, zu Fälligkeiten und Lastschriften an das Steueramt."
        ),
        prerequisites="Sie sind Eigentümerin oder Eigentümer eines Grundstücks in der Stadt oder Gemeinde.",
        required_documents="Kassenzeichen oder Bescheid; für ein SEPA-Mandat Ihre Bankverbindung.",
        fees="Keine Gebühr; Höhe der Steuer nach Messbetrag und Hebesatz.",
        deadlines="Fällig in der Regel zum 15. Februar, 15. Mai, 15. August und 15. November.",
        legal_basis="Grundsteuergesetz (GrStG); Hebesatzsatzung der Stadt oder Gemeinde",
        processing_time="Einspruchs- und Erlassanträge: wenige Wochen.",
        keywords=("Grundsteuerbescheid", "Grundsteuerreform", "Hebesatz", "Grundbesitzabgaben"),
        maturity=1,
    ),
    ServiceData(
        key="coe-gewerbesteuer",
        name="Gewerbesteuer: Bescheid und Vorauszahlungen",
        leika="99102010002000",
        themenfeld="12",
        lebenslagen=("45",),
        audience="unternehmen",
        short_text=(
            "Gewerbebetriebe zahlen Gewerbesteuer an die Stadt oder Gemeinde, in der sie ihren Betrieb haben."
        ),
        full_text=(
            "Das Finanzamt ermittelt den Gewerbesteuermessbetrag, die Stadt oder Gemeinde setzt mit ihrem "
            "Hebesatz die Gewerbesteuer fest und erhebt vierteljährliche Vorauszahlungen. Ändert sich Ihr "
            "Gewinn deutlich, können Sie beim Finanzamt eine Anpassung der Vorauszahlungen beantragen."
        ),
        prerequisites="Sie betreiben ein Gewerbe in der Stadt oder Gemeinde.",
        required_documents="Kassenzeichen oder Bescheid; Messbescheid des Finanzamts bei Rückfragen.",
        fees="Keine Gebühr; Höhe der Steuer nach Messbetrag und Hebesatz.",
        deadlines="Vorauszahlungen am 15. Februar, 15. Mai, 15. August und 15. November.",
        legal_basis="Gewerbesteuergesetz (GewStG); Hebesatzsatzung der Stadt oder Gemeinde",
        processing_time="Wenige Wochen.",
        keywords=("Gewerbesteuerbescheid", "Vorauszahlung", "Hebesatz Gewerbesteuer"),
        maturity=1,
    ),
    # --- Wohnen und Existenzsicherung ------------------------------------------------------------
    ServiceData(
        key="coe-wohngeld",
        name="Wohngeld beantragen",
        leika="99107023037000",
        themenfeld="1",
        lebenslagen=("21", "55"),
        short_text=(
            "Wohngeld ist ein Zuschuss zur Miete oder zu den Kosten für selbst genutztes Wohneigentum."
        ),
        full_text=(
            "Haushalte mit geringem Einkommen können Wohngeld bekommen: als Mietzuschuss für Mieterinnen "
            "und Mieter oder als Lastenzuschuss für Eigentümerinnen und Eigentümer. Wie viel Sie bekommen, "
            "hängt von der Zahl der Haushaltsmitglieder, dem Einkommen und der Miete ab. Wer Bürgergeld "
            "oder Grundsicherung bezieht, bekommt kein Wohngeld, weil die Wohnkosten dort schon enthalten "
            "sind."
        ),
        prerequisites="Geringes Einkommen; keine Sozialleistungen, in denen Wohnkosten enthalten sind.",
        required_documents=(
            "Antragsformular; Mietvertrag oder Mietbescheinigung; Einkommensnachweise aller "
            "Haushaltsmitglieder der letzten zwölf Monate; Kontoauszüge; Personalausweis."
        ),
        fees="Gebührenfrei.",
        deadlines=(
            "Wohngeld gibt es ab dem Monat der Antragstellung; rechtzeitig vor Ablauf einen "
            "Weiterleistungsantrag stellen."
        ),
        legal_basis="Wohngeldgesetz (WoGG); Wohngeldverordnung (WoGV)",
        processing_time="Mehrere Wochen, je nach Vollständigkeit der Unterlagen.",
        keywords=("Mietzuschuss", "Lastenzuschuss", "Zuschuss Miete", "Wohngeld Plus"),
        maturity=3,
    ),
    ServiceData(
        key="coe-wohnberechtigungsschein",
        name="Wohnberechtigungsschein beantragen",
        leika="99107022012000",
        themenfeld="2",
        lebenslagen=("21", "55"),
        short_text=(
            "Mit dem Wohnberechtigungsschein (WBS) können Sie eine öffentlich geförderte Wohnung mieten."
        ),
        full_text=(
            "Öffentlich geförderte Wohnungen dürfen nur an Haushalte vermietet werden, deren Einkommen "
            "bestimmte Grenzen nicht überschreitet. Das weisen Sie mit dem Wohnberechtigungsschein nach. "
            "Er gilt in Nordrhein-Westfalen in der Regel ein Jahr und nennt die angemessene Wohnungsgröße."
        ),
        prerequisites="Ihr Haushaltseinkommen liegt innerhalb der Einkommensgrenzen des Landes NRW.",
        required_documents=(
            "Antragsformular; Einkommensnachweise aller Haushaltsmitglieder; Personalausweis; bei "
            "Schwangerschaft der Mutterpass; gegebenenfalls Schwerbehindertenausweis."
        ),
        fees="Nach der Gebührenordnung; für Beziehende von Sozialleistungen häufig gebührenfrei.",
        deadlines="Keine; der Schein ist befristet gültig.",
        legal_basis=(
            "Wohnraumförderungsgesetz (WoFG); Gesetz zur Förderung und Nutzung von Wohnraum für das Land "
            "Nordrhein-Westfalen (WFNG NRW)"
        ),
        processing_time="Etwa zwei bis vier Wochen.",
        keywords=("WBS", "Sozialwohnung", "geförderte Wohnung", "Wohnberechtigung"),
        maturity=2,
    ),
    ServiceData(
        key="coe-buergergeld",
        name="Bürgergeld (Grundsicherung für Arbeitsuchende) beantragen",
        leika="99107002017000",
        themenfeld="1",
        lebenslagen=("1", "21"),
        short_text=(
            "Wer erwerbsfähig ist und seinen Lebensunterhalt nicht selbst decken kann, erhält Bürgergeld "
            "vom Jobcenter."
        ),
        full_text=(
            "Das Bürgergeld sichert den Lebensunterhalt von erwerbsfähigen Menschen und ihren Familien. Es "
            "umfasst den Regelbedarf, die angemessenen Kosten für Unterkunft und Heizung und Hilfen, um "
            "wieder Arbeit zu finden. Der Kreis Coesfeld ist für das Bürgergeld selbst zuständig "
            "(Optionskommune); beraten und betreut werden Sie von der Jobcenter-Stelle in Ihrer Stadt oder "
            "Gemeinde."
        ),
        prerequisites=(
            "Sie sind zwischen 15 Jahren und dem Rentenalter, erwerbsfähig, hilfebedürftig und haben Ihren "
            "gewöhnlichen Aufenthalt in Deutschland."
        ),
        required_documents=(
            "Hauptantrag mit Anlagen; Personalausweis; Mietvertrag und Nebenkostenabrechnung; Kontoauszüge "
            "der letzten drei Monate; Nachweise über Einkommen und Vermögen."
        ),
        fees="Gebührenfrei.",
        deadlines="Bürgergeld gibt es ab dem Monat der Antragstellung; stellen Sie den Antrag früh.",
        legal_basis="Zweites Buch Sozialgesetzbuch (SGB II); § 6a SGB II (zugelassene kommunale Träger)",
        processing_time="In der Regel zwei bis vier Wochen nach Eingang vollständiger Unterlagen.",
        keywords=(
            "Hartz IV",
            "Arbeitslosengeld II",
            "ALG II",
            "Grundsicherung für Arbeitsuchende",
            "Jobcenter",
        ),
        maturity=3,
    ),
    ServiceData(
        key="coe-grundsicherung-alter",
        name="Grundsicherung im Alter und bei Erwerbsminderung",
        leika="99107009017000",
        themenfeld="1",
        lebenslagen=("21",),
        short_text=(
            "Reicht die Rente nicht zum Leben, hilft die Grundsicherung im Alter und bei Erwerbsminderung."
        ),
        full_text=(
            "Menschen, die die Altersgrenze erreicht haben oder dauerhaft voll erwerbsgemindert sind, "
            "bekommen Grundsicherung, wenn ihr Einkommen und Vermögen nicht ausreichen. Kinder werden erst "
            "ab einem sehr hohen Einkommen herangezogen. Träger ist der Kreis Coesfeld; den Antrag nehmen "
            "das Sozialamt Ihrer Stadt oder Gemeinde entgegen und beraten Sie."
        ),
        prerequisites=(
            "Regelaltersgrenze erreicht oder dauerhaft voll erwerbsgemindert; Hilfebedürftigkeit."
        ),
        required_documents=(
            "Antrag; Personalausweis; Rentenbescheid; Mietvertrag; Kontoauszüge; Nachweise über Vermögen."
        ),
        fees="Gebührenfrei.",
        deadlines="Leistungen ab dem Monat der Antragstellung.",
        legal_basis="§§ 41 bis 46b Zwölftes Buch Sozialgesetzbuch (SGB XII)",
        processing_time="In der Regel mehrere Wochen.",
        keywords=("Grundsicherung", "Sozialhilfe", "Rente reicht nicht", "Altersgrundsicherung"),
        maturity=2,
    ),
    ServiceData(
        key="coe-bildung-teilhabe",
        name="Leistungen für Bildung und Teilhabe",
        leika="99107032148000",
        themenfeld="1",
        lebenslagen=("21", "42"),
        short_text=(
            "Kinder aus Familien mit geringem Einkommen erhalten Zuschüsse für Schulbedarf, Ausflüge, "
            "Mittagessen, Nachhilfe und Vereinsbeiträge."
        ),
        full_text=(
            "Das Bildungs- und Teilhabepaket unterstützt Kinder, Jugendliche und junge Erwachsene, deren "
            "Familien Bürgergeld, Sozialhilfe, Wohngeld, Kinderzuschlag oder Asylbewerberleistungen "
            "beziehen. Gefördert werden Klassenfahrten und Ausflüge, persönlicher Schulbedarf, "
            "Schülerbeförderung, Lernförderung, gemeinsames Mittagessen in Schule und Kita sowie 15 Euro "
            "im Monat für Sport, Musik und Freizeit. Wer Bürgergeld bezieht, stellt den Antrag beim "
            "Jobcenter, alle anderen beim Sozialamt der Stadt oder Gemeinde."
        ),
        prerequisites=(
            "Die Familie bezieht Bürgergeld, Sozialhilfe, Wohngeld, Kinderzuschlag oder Leistungen nach "
            "dem Asylbewerberleistungsgesetz; Kinder und junge Menschen unter 25 Jahren."
        ),
        required_documents=(
            "Antrag; aktueller Leistungsbescheid; je nach Leistung Bescheinigung der Schule, Rechnung oder "
            "Vereinsbestätigung."
        ),
        fees="Gebührenfrei.",
        deadlines=(
            "Leistungen werden in der Regel rückwirkend zum Beginn des Bewilligungszeitraums erbracht."
        ),
        legal_basis="§ 28 SGB II; § 34 SGB XII; § 6b Bundeskindergeldgesetz (BKGG)",
        processing_time="Wenige Wochen.",
        keywords=(
            "BuT",
            "Bildungspaket",
            "Teilhabepaket",
            "Schulbedarf",
            "Klassenfahrt Zuschuss",
            "Nachhilfe",
        ),
        maturity=2,
    ),
    # --- Schule (Schulträger: Stadt oder Gemeinde bzw. Kreis) ------------------------------------
    ServiceData(
        key="coe-schuelerfahrkosten-gemeinde",
        name="Schülerfahrkosten für Grund- und weiterführende Schulen der Stadt oder Gemeinde",
        leika="99088011039000",
        themenfeld="3",
        lebenslagen=("42",),
        short_text=(
            "Ist der Schulweg zu lang oder gefährlich, übernimmt die Stadt oder Gemeinde als Schulträger "
            "die Fahrkosten für ihre Schulen."
        ),
        full_text=(
            "Für Schülerinnen und Schüler der Schulen in Trägerschaft der Stadt oder Gemeinde übernimmt "
            "der Schulträger die Kosten für den Schulweg, wenn der kürzeste Fußweg zur nächstgelegenen "
            "Schule der gewählten Schulform länger ist als 2 Kilometer (Primarstufe), 3,5 Kilometer "
            "(Sekundarstufe I) oder 5 Kilometer (Sekundarstufe II) oder wenn der Weg besonders gefährlich "
            "ist. Meist wird ein Schülerticket ausgegeben. Für Berufskollegs und Förderschulen des Kreises "
            "ist der Kreis zuständig."
        ),
        prerequisites=(
            "Die Schule ist in Trägerschaft der Stadt oder Gemeinde; der Schulweg überschreitet die "
            "Mindestentfernung oder ist gefährlich."
        ),
        required_documents=(
            "Antrag (meist über die Schule); Schulbescheinigung; bei Gefährlichkeit eine Begründung."
        ),
        fees=(
            "Gebührenfrei; bei Besuch einer weiter entfernten Schule werden höchstens die Kosten zur "
            "nächstgelegenen Schule übernommen."
        ),
        deadlines="Vor Beginn des Schuljahres beantragen.",
        legal_basis="§ 97 Schulgesetz NRW (SchulG); Schülerfahrkostenverordnung NRW (SchfkVO)",
        processing_time="In der Regel zwei bis vier Wochen.",
        keywords=("Schülerticket", "Fahrkosten Schule", "Schulbus", "Schulweg", "Schülerfahrkarte"),
        maturity=2,
    ),
    ServiceData(
        key="coe-schuelerfahrkosten-kreis",
        name="Schülerfahrkosten für Berufskollegs und Förderschulen des Kreises",
        leika="99088011039000",
        themenfeld="3",
        lebenslagen=("42", "16"),
        short_text=(
            "Für Berufskollegs und Förderschulen in Trägerschaft des Kreises übernimmt der Kreis Coesfeld "
            "die Fahrkosten."
        ),
        full_text=(
            "Der Kreis Coesfeld ist Schulträger der Berufskollegs und der Förderschulen in seiner "
            "Trägerschaft. Für deren Schülerinnen und Schüler übernimmt er die notwendigen Fahrkosten nach "
            "der Schülerfahrkostenverordnung, in der Regel mit einem Schülerticket. Für Förderschulen "
            "wird bei Bedarf auch ein Schülerspezialverkehr eingerichtet. Für Schulen der Städte und "
            "Gemeinden ist der jeweilige Schulträger zuständig."
        ),
        prerequisites=(
            "Besuch eines Berufskollegs oder einer Förderschule des Kreises; Mindestentfernung "
            "überschritten oder Beförderung wegen einer Behinderung notwendig. Für Berufsschulklassen in "
            "Teilzeit gelten besondere Regeln."
        ),
        required_documents=(
            "Antrag über die Schule; Schulbescheinigung; bei Behinderung ärztliche Nachweise."
        ),
        fees="Gebührenfrei; übernommen werden die Kosten des günstigsten zumutbaren Verkehrsmittels.",
        deadlines="Vor Beginn des Schuljahres beantragen.",
        legal_basis="§ 97 Schulgesetz NRW (SchulG); Schülerfahrkostenverordnung NRW (SchfkVO)",
        processing_time="In der Regel zwei bis vier Wochen.",
        keywords=(
            "Schülerticket Berufskolleg",
            "Fahrkosten Förderschule",
            "Schülerspezialverkehr",
            "Schulweg",
        ),
        maturity=2,
    ),
    ServiceData(
        key="coe-schueler-bafoeg",
        name="Schüler-BAföG beantragen",
        leika="99022001017003",
        themenfeld="3",
        lebenslagen=("42", "16"),
        short_text=(
            "Schülerinnen und Schüler bestimmter Schulen können Ausbildungsförderung nach dem BAföG "
            "bekommen. Zuständig ist das Amt für Ausbildungsförderung des Kreises."
        ),
        full_text=(
            "Schüler-BAföG gibt es zum Beispiel für den Besuch einer Berufsfachschule, Fachschule, "
            "Fachoberschulklasse oder eines Abendgymnasiums. Schülerinnen und Schüler weiterführender "
            "allgemeinbildender Schulen ab Klasse 10 erhalten es nur, wenn sie nicht bei den Eltern "
            "wohnen, weil die Schule von dort nicht erreichbar ist. Schüler-BAföG ist ein Zuschuss und "
            "muss nicht zurückgezahlt werden."
        ),
        prerequisites=(
            "Förderungsfähige Schulform; Einkommen und Vermögen der Familie unter den Freibeträgen."
        ),
        required_documents=(
            "Formblatt 1 mit Anlagen; Schulbescheinigung; Einkommensnachweise der Eltern; bei auswärtiger "
            "Unterbringung Mietvertrag."
        ),
        fees="Gebührenfrei.",
        deadlines=(
            "Förderung ab dem Monat der Antragstellung; spätestens im ersten Monat des Schuljahres "
            "beantragen."
        ),
        legal_basis="§§ 2, 12 Bundesausbildungsförderungsgesetz (BAföG)",
        processing_time="Etwa sechs bis acht Wochen.",
        keywords=("BAföG Schüler", "Schülerbafög", "Ausbildungsförderung", "BAföG Berufsfachschule"),
        maturity=3,
    ),
    ServiceData(
        key="coe-grundschulanmeldung",
        name="Kind an einer Grundschule anmelden",
        leika="99088003034001",
        themenfeld="3",
        lebenslagen=("42",),
        short_text=(
            "Kinder, die bis zum 30. September sechs Jahre alt werden, werden im Herbst des Vorjahres an "
            "einer Grundschule angemeldet."
        ),
        full_text=(
            "Die Stadt oder Gemeinde informiert die Eltern schulpflichtig werdender Kinder schriftlich "
            "über den Anmeldezeitraum und die Grundschulen vor Ort. Sie melden Ihr Kind direkt an der "
            "gewünschten Grundschule an. Vor der Einschulung lädt das Gesundheitsamt des Kreises zur "
            "Schuleingangsuntersuchung ein."
        ),
        prerequisites="Ihr Kind wird bis zum 30. September des Einschulungsjahres sechs Jahre alt.",
        required_documents=(
            "Geburtsurkunde oder Ausweis des Kindes; Anschreiben der Stadt oder Gemeinde; Nachweis über "
            "den Masernschutz."
        ),
        fees="Gebührenfrei.",
        deadlines="Im Anmeldezeitraum im Herbst des Vorjahres, den die Stadt oder Gemeinde bekannt gibt.",
        legal_basis="§§ 35, 46 Schulgesetz NRW (SchulG); § 20 Infektionsschutzgesetz (IfSG)",
        processing_time="Die Aufnahmeentscheidung kommt in der Regel im Frühjahr.",
        keywords=("Einschulung", "Schulanmeldung", "I-Dötzchen", "Schulanfang", "Erstklässler"),
        maturity=1,
    ),
    ServiceData(
        key="coe-offene-ganztagsschule",
        name="Platz in der Offenen Ganztagsschule (OGS)",
        themenfeld="3",
        lebenslagen=("42", "32"),
        short_text=(
            "Die Offene Ganztagsschule betreut Grundschulkinder nach dem Unterricht bis in den Nachmittag."
        ),
        full_text=(
            "An den Grundschulen gibt es Offene Ganztagsangebote mit Mittagessen, Hausaufgabenbetreuung "
            "und Freizeitangeboten. Die Stadt oder Gemeinde als Schulträger legt die Elternbeiträge nach "
            "dem Einkommen fest. Ab dem Schuljahr 2026/27 haben Kinder der ersten Klasse einen "
            "Rechtsanspruch auf ganztägige Betreuung; er wächst jährlich um eine Klassenstufe."
        ),
        prerequisites="Ihr Kind besucht eine Grundschule mit offenem Ganztagsangebot.",
        required_documents=(
            "Anmeldeformular der Schule oder des Trägers; Einkommensnachweis für die Beitragsberechnung."
        ),
        fees="Elternbeiträge nach der Satzung der Stadt oder Gemeinde, gestaffelt nach Einkommen.",
        deadlines="Anmeldung in der Regel im Frühjahr für das folgende Schuljahr.",
        legal_basis=(
            "§ 9 Schulgesetz NRW (SchulG); § 24 Absatz 4 SGB VIII (ab 2026); Satzung über Elternbeiträge"
        ),
        processing_time="Zusage in der Regel vor den Sommerferien.",
        keywords=("OGS", "Ganztag", "Nachmittagsbetreuung", "Betreuung Grundschule", "Übermittagbetreuung"),
        maturity=1,
    ),
    # --- Jugendamt (Kreis für neun Gemeinden, Coesfeld und Dülmen selbst) ------------------------
    ServiceData(
        key="coe-kita-platz",
        name="Kita-Platz beantragen",
        leika="99041004034000",
        themenfeld="6",
        lebenslagen=("32",),
        short_text=(
            "Kinder ab einem Jahr haben Anspruch auf einen Platz in einer Kita oder in der Kindertagespflege."
        ),
        full_text=(
            "Ab dem ersten Geburtstag bis zum Schuleintritt hat jedes Kind einen Rechtsanspruch auf "
            "Förderung in einer Kindertageseinrichtung oder in der Kindertagespflege. Melden Sie Ihr Kind "
            "frühzeitig beim Jugendamt oder direkt bei den Kitas an. Das Jugendamt hilft, wenn Sie keinen "
            "Platz finden. Für Coesfeld und Dülmen sind die Jugendämter dieser Städte zuständig, für alle "
            "anderen Gemeinden das Jugendamt des Kreises."
        ),
        prerequisites=(
            "Ihr Kind ist mindestens ein Jahr alt (unter einem Jahr bei besonderem Bedarf) und wohnt im "
            "Zuständigkeitsbereich."
        ),
        required_documents=(
            "Anmeldung über das Online-Portal oder Formular; Angaben zum gewünschten Betreuungsumfang."
        ),
        fees="Die Anmeldung ist gebührenfrei; für die Betreuung werden Elternbeiträge erhoben.",
        deadlines="Möglichst sechs Monate vor dem gewünschten Betreuungsbeginn.",
        legal_basis="§ 24 Achtes Buch Sozialgesetzbuch (SGB VIII); Kinderbildungsgesetz NRW (KiBiz)",
        processing_time="Die Platzvergabe erfolgt meist im Frühjahr für das Kita-Jahr ab August.",
        keywords=(
            "Kindergartenplatz",
            "Kita-Anmeldung",
            "Krippenplatz",
            "U3-Platz",
            "Betreuungsplatz",
            "Kindergarten",
        ),
        maturity=3,
    ),
    ServiceData(
        key="coe-elternbeitraege-kita",
        name="Elternbeiträge für Kita und Kindertagespflege",
        leika="99071007002000",
        themenfeld="6",
        lebenslagen=("32",),
        short_text=(
            "Für die Betreuung in Kita und Kindertagespflege setzt das Jugendamt einkommensabhängige "
            "Elternbeiträge fest."
        ),
        full_text=(
            "Die Höhe des Elternbeitrags richtet sich nach dem Jahreseinkommen der Eltern, dem Alter des "
            "Kindes und dem Betreuungsumfang. In Nordrhein-Westfalen sind die letzten zwei Kita-Jahre vor "
            "der Einschulung beitragsfrei. Familien mit geringem Einkommen können eine Übernahme der "
            "Beiträge beantragen. Geben Sie Einkommensänderungen dem Jugendamt bekannt."
        ),
        prerequisites="Ihr Kind wird in einer Kita oder Kindertagespflege betreut.",
        required_documents=(
            "Erklärung zum Einkommen mit Nachweisen (zum Beispiel Einkommensteuerbescheid, Lohnabrechnungen)."
        ),
        fees="Elternbeiträge nach der Beitragssatzung des zuständigen Jugendamts.",
        deadlines="Einkommenserklärung bei Beginn der Betreuung und auf Anforderung.",
        legal_basis="§ 90 Achtes Buch Sozialgesetzbuch (SGB VIII); Kinderbildungsgesetz NRW (KiBiz)",
        processing_time="Wenige Wochen.",
        keywords=("Kita-Beitrag", "Kindergartenbeitrag", "Kita-Gebühren", "Beitragsfreiheit Kita"),
        maturity=2,
    ),
    ServiceData(
        key="coe-kindertagespflege",
        name="Kindertagespflege (Tagesmutter oder Tagesvater)",
        leika="99071005080000",
        themenfeld="6",
        lebenslagen=("32",),
        short_text="Das Jugendamt vermittelt und fördert die Betreuung bei Tagesmüttern und Tagesvätern.",
        full_text=(
            "Kindertagespflege ist eine familiennahe Betreuung in kleinen Gruppen bei qualifizierten "
            "Tagespflegepersonen. Das Jugendamt vermittelt Plätze, zahlt der Tagespflegeperson eine "
            "laufende Geldleistung und setzt den Elternbeitrag fest. Vor allem für Kinder unter drei "
            "Jahren ist sie eine Alternative zur Kita."
        ),
        prerequisites="Betreuungsbedarf für Ihr Kind; Wohnsitz im Zuständigkeitsbereich des Jugendamts.",
        required_documents=(
            "Antrag auf Förderung in Kindertagespflege; Betreuungsvertrag; Einkommensnachweise."
        ),
        fees="Elternbeiträge nach der Beitragssatzung des zuständigen Jugendamts.",
        deadlines="Möglichst drei Monate vor Betreuungsbeginn.",
        legal_basis="§§ 23, 24 Achtes Buch Sozialgesetzbuch (SGB VIII); Kinderbildungsgesetz NRW (KiBiz)",
        processing_time="Wenige Wochen.",
        keywords=("Tagesmutter", "Tagesvater", "Tagespflege", "Kinderbetreuung unter drei"),
        maturity=2,
    ),
    ServiceData(
        key="coe-hilfen-zur-erziehung",
        name="Hilfen zur Erziehung",
        leika="99060006080000",
        themenfeld="6",
        lebenslagen=("32",),
        short_text=(
            "Wenn es in der Familie schwierig wird, unterstützt das Jugendamt Eltern und Kinder mit "
            "Beratung und Hilfen zur Erziehung."
        ),
        full_text=(
            "Eltern haben Anspruch auf Hilfe, wenn sie die Erziehung ihres Kindes allein nicht gut "
            "bewältigen können. Gemeinsam mit dem Jugendamt wird ein Hilfeplan erstellt. Möglich sind zum "
            "Beispiel Erziehungsberatung, sozialpädagogische Familienhilfe, ein Erziehungsbeistand, "
            "Tagesgruppen, Vollzeitpflege in einer Pflegefamilie oder Wohngruppen. Die Beratung ist "
            "vertraulich."
        ),
        prerequisites="Ein erzieherischer Bedarf in der Familie; Antrag der Sorgeberechtigten.",
        required_documents="Formloser Antrag; weitere Unterlagen werden im Gespräch besprochen.",
        fees="Beratung gebührenfrei; für stationäre Hilfen kann ein Kostenbeitrag erhoben werden.",
        deadlines="Keine; in akuten Krisen ist das Jugendamt sofort erreichbar.",
        legal_basis="§§ 27 bis 35 und § 36 Achtes Buch Sozialgesetzbuch (SGB VIII)",
        processing_time="Erstgespräch kurzfristig; die Hilfe beginnt nach dem Hilfeplangespräch.",
        keywords=("Erziehungshilfe", "Familienhilfe", "SPFH", "Erziehungsberatung", "Pflegefamilie"),
        maturity=1,
    ),
    ServiceData(
        key="coe-beistandschaft",
        name="Beistandschaft des Jugendamts",
        themenfeld="6",
        lebenslagen=("49",),
        short_text=(
            "Alleinerziehende können das Jugendamt beauftragen, den Kindesunterhalt geltend zu machen oder "
            "die Vaterschaft feststellen zu lassen."
        ),
        full_text=(
            "Die Beistandschaft ist ein freiwilliges und kostenloses Angebot für Elternteile, bei denen "
            "das Kind lebt. Das Jugendamt berechnet den Unterhalt, fordert ihn vom anderen Elternteil ein "
            "und vertritt das Kind dabei auch vor Gericht. Ihr Sorgerecht bleibt unverändert; Sie können "
            "die Beistandschaft jederzeit beenden."
        ),
        prerequisites=(
            "Das Kind lebt bei Ihnen und Sie haben die alleinige Sorge oder es lebt überwiegend bei Ihnen."
        ),
        required_documents=(
            "Schriftlicher Antrag; Geburtsurkunde des Kindes; Angaben zum anderen Elternteil; vorhandene "
            "Unterhaltstitel."
        ),
        fees="Gebührenfrei.",
        deadlines="Keine.",
        legal_basis=(
            "§§ 1712 bis 1717 Bürgerliches Gesetzbuch (BGB); § 55 Achtes Buch Sozialgesetzbuch (SGB VIII)"
        ),
        processing_time="Die Beistandschaft beginnt mit Eingang des Antrags.",
        keywords=("Beistand", "Kindesunterhalt", "Unterhalt einfordern", "Vaterschaft feststellen"),
        maturity=1,
    ),
    ServiceData(
        key="coe-unterhaltsvorschuss",
        name="Unterhaltsvorschuss beantragen",
        leika="99107021017000",
        themenfeld="6",
        lebenslagen=("49", "21"),
        short_text=(
            "Zahlt der andere Elternteil keinen oder zu wenig Unterhalt, springt die "
            "Unterhaltsvorschusskasse des Jugendamts ein."
        ),
        full_text=(
            "Kinder bis 18 Jahre, die bei einem alleinerziehenden Elternteil leben, erhalten "
            "Unterhaltsvorschuss, wenn der andere Elternteil nicht oder nicht regelmäßig zahlt. Für Kinder "
            "ab zwölf Jahren gelten zusätzliche Voraussetzungen. Das Jugendamt holt sich das Geld vom "
            "unterhaltspflichtigen Elternteil zurück."
        ),
        prerequisites=(
            "Das Kind lebt bei einem ledigen, getrennt lebenden, geschiedenen oder verwitweten Elternteil "
            "und erhält keinen oder zu wenig Unterhalt."
        ),
        required_documents=(
            "Antrag; Geburtsurkunde des Kindes; Personalausweis; Angaben zum anderen Elternteil; Nachweise "
            "über Unterhaltszahlungen."
        ),
        fees="Gebührenfrei.",
        deadlines="Rückwirkend höchstens für den Monat vor der Antragstellung.",
        legal_basis="Unterhaltsvorschussgesetz (UVG)",
        processing_time="Etwa vier bis acht Wochen.",
        keywords=("UVG", "Unterhaltsvorschusskasse", "Unterhalt alleinerziehend", "kein Unterhalt"),
        maturity=3,
    ),
    ServiceData(
        key="coe-sorgeerklaerung",
        name="Sorgeerklärung abgeben",
        leika="99013005026000",
        themenfeld="6",
        lebenslagen=("26", "49"),
        short_text=(
            "Nicht verheiratete Eltern erhalten das gemeinsame Sorgerecht durch eine Sorgeerklärung beim "
            "Jugendamt."
        ),
        full_text=(
            "Sind die Eltern bei der Geburt nicht verheiratet, hat zunächst die Mutter das alleinige "
            "Sorgerecht. Mit übereinstimmenden Sorgeerklärungen erhalten beide Eltern die gemeinsame "
            "Sorge. Die Erklärungen werden beim Jugendamt oder bei einer Notarin oder einem Notar "
            "beurkundet, auch schon vor der Geburt."
        ),
        prerequisites=(
            "Die Eltern sind nicht miteinander verheiratet; die Vaterschaft ist anerkannt oder wird "
            "zugleich anerkannt."
        ),
        required_documents=(
            "Personalausweise beider Eltern; Geburtsurkunde des Kindes oder Mutterpass; "
            "Vaterschaftsanerkennung."
        ),
        fees="Beim Jugendamt gebührenfrei.",
        deadlines="Keine.",
        legal_basis=(
            "§§ 1626a bis 1626e Bürgerliches Gesetzbuch (BGB); § 59 Achtes Buch Sozialgesetzbuch (SGB VIII)"
        ),
        processing_time="Sofort bei der Beurkundung.",
        keywords=("gemeinsames Sorgerecht", "Sorgerechtserklärung", "Sorgerecht unverheiratet"),
        maturity=1,
    ),
    ServiceData(
        key="coe-elterngeld",
        name="Elterngeld beantragen",
        leika="99041006017000",
        themenfeld="6",
        lebenslagen=("26",),
        short_text=(
            "Elterngeld ersetzt einen Teil des Einkommens, wenn Sie nach der Geburt Ihr Kind betreuen."
        ),
        full_text=(
            "Elterngeld erhalten Mütter und Väter, die ihr Kind nach der Geburt selbst betreuen und nicht "
            "oder nicht voll arbeiten. Es gibt Basiselterngeld, ElterngeldPlus und einen "
            "Partnerschaftsbonus. Die Höhe richtet sich nach dem Einkommen vor der Geburt. Im Kreis "
            "Coesfeld ist die Elterngeldstelle des Kreises für alle Städte und Gemeinden zuständig. Den "
            "Antrag können Sie online stellen."
        ),
        prerequisites=(
            "Sie betreuen Ihr Kind selbst, leben mit ihm in einem Haushalt und arbeiten höchstens 32 "
            "Stunden pro Woche."
        ),
        required_documents=(
            "Antrag; Geburtsurkunde für Elterngeld; Einkommensnachweise der letzten zwölf Monate vor der "
            "Geburt; Bescheinigung über Mutterschaftsgeld; Arbeitszeitbestätigung."
        ),
        fees="Gebührenfrei.",
        deadlines=(
            "Rückwirkend nur für die letzten drei Lebensmonate vor dem Antrag – deshalb bald nach der "
            "Geburt beantragen."
        ),
        legal_basis="Bundeselterngeld- und Elternzeitgesetz (BEEG)",
        processing_time="Etwa drei bis sechs Wochen nach Eingang vollständiger Unterlagen.",
        keywords=(
            "ElterngeldPlus",
            "Partnerschaftsbonus",
            "Elternzeit Geld",
            "Basiselterngeld",
            "Kind bekommen",
            "Baby",
            "Nachwuchs",
        ),
        maturity=3,
    ),
    # --- Soziales, Pflege, Behinderung (Kreis) ---------------------------------------------------
    ServiceData(
        key="coe-hilfe-zur-pflege",
        name="Hilfe zur Pflege beantragen",
        leika="99107014017000",
        themenfeld="8",
        lebenslagen=("36", "21"),
        short_text=(
            "Reichen Pflegeversicherung, Einkommen und Vermögen für die Pflegekosten nicht aus, hilft der "
            "Kreis mit Hilfe zur Pflege."
        ),
        full_text=(
            "Hilfe zur Pflege ist eine Leistung der Sozialhilfe. Sie übernimmt Kosten für häusliche oder "
            "stationäre Pflege, die nicht von der Pflegekasse gedeckt sind und die Sie nicht selbst zahlen "
            "können. Kinder werden erst ab einem Jahreseinkommen von mehr als 100.000 Euro zum Unterhalt "
            "herangezogen. Stellen Sie den Antrag rechtzeitig vor dem Heimeinzug."
        ),
        prerequisites=(
            "Pflegebedürftigkeit (in der Regel ab Pflegegrad 2); Einkommen und Vermögen reichen nicht aus."
        ),
        required_documents=(
            "Antrag; Bescheid der Pflegekasse über den Pflegegrad; Nachweise über Einkommen und Vermögen; "
            "Heimvertrag oder Kostenvoranschlag des Pflegedienstes."
        ),
        fees="Gebührenfrei.",
        deadlines="Leistungen ab Bekanntwerden des Bedarfs beim Sozialhilfeträger; früh melden.",
        legal_basis="§§ 61 bis 66a Zwölftes Buch Sozialgesetzbuch (SGB XII)",
        processing_time="Mehrere Wochen.",
        keywords=("Pflegekosten", "Heimkosten", "Sozialhilfe Pflege", "Pflegeheim bezahlen"),
        maturity=2,
    ),
    ServiceData(
        key="coe-pflegewohngeld",
        name="Pflegewohngeld beantragen",
        leika="99107049000000",
        themenfeld="8",
        lebenslagen=("36",),
        short_text=(
            "Pflegewohngeld hilft Bewohnerinnen und Bewohnern von Pflegeheimen bei den Investitionskosten."
        ),
        full_text=(
            "In Nordrhein-Westfalen zahlt der Kreis Pflegewohngeld als Zuschuss zu den Investitionskosten "
            "eines Pflegeheims, wenn Einkommen und Vermögen dafür nicht ausreichen. Das Geld wird direkt "
            "an die Einrichtung gezahlt. Den Antrag stellt meist das Heim gemeinsam mit Ihnen."
        ),
        prerequisites=(
            "Dauerhafte Pflege in einer anerkannten vollstationären Einrichtung in NRW; geringes Vermögen."
        ),
        required_documents=(
            "Antrag; Nachweise über Einkommen und Vermögen; Heimvertrag; Bescheid über den Pflegegrad."
        ),
        fees="Gebührenfrei.",
        deadlines="Leistungen ab dem Monat der Antragstellung.",
        legal_basis="§ 14 Alten- und Pflegegesetz Nordrhein-Westfalen (APG NRW); APG DVO NRW",
        processing_time="Mehrere Wochen.",
        keywords=("Investitionskosten Pflegeheim", "Zuschuss Pflegeheim", "Heimkosten"),
        maturity=2,
    ),
    ServiceData(
        key="coe-schwerbehindertenausweis",
        name="Schwerbehindertenausweis beantragen",
        leika="99015007012000",
        themenfeld="8",
        lebenslagen=("15",),
        short_text=(
            "Der Kreis stellt den Grad der Behinderung fest und stellt ab einem Grad von 50 einen "
            "Schwerbehindertenausweis aus."
        ),
        full_text=(
            "Mit dem Schwerbehindertenausweis können Sie Nachteilsausgleiche nutzen, zum Beispiel "
            "Zusatzurlaub, besonderen Kündigungsschutz, Steuerfreibeträge oder Vergünstigungen im "
            "Nahverkehr. Der Kreis prüft Ihre ärztlichen Unterlagen und stellt den Grad der Behinderung "
            "(GdB) und Merkzeichen fest. Den Antrag können Sie auch online stellen."
        ),
        prerequisites=(
            "Eine gesundheitliche Beeinträchtigung, die länger als sechs Monate andauert; Wohnsitz im Kreis."
        ),
        required_documents=(
            "Antrag; Namen und Anschriften der behandelnden Ärztinnen und Ärzte; vorhandene Befunde und "
            "Krankenhausberichte; ein Passfoto für den Ausweis."
        ),
        fees="Gebührenfrei.",
        deadlines="Keine; die Feststellung gilt ab Antragstellung.",
        legal_basis=(
            "§§ 152, 153 Neuntes Buch Sozialgesetzbuch (SGB IX); Schwerbehindertenausweisverordnung "
            "(SchwbAwV)"
        ),
        processing_time="In der Regel drei bis vier Monate.",
        keywords=("Behindertenausweis", "GdB", "Grad der Behinderung", "Merkzeichen", "Schwerbehinderung"),
        maturity=3,
    ),
    ServiceData(
        key="coe-pflegeberatung",
        name="Pflege- und Wohnberatung",
        themenfeld="8",
        lebenslagen=("36",),
        short_text=(
            "Die Pflege- und Wohnberatung des Kreises berät kostenlos zu Pflege zu Hause, Pflegeheimen und "
            "barrierefreiem Umbau."
        ),
        full_text=(
            "Wenn ein Angehöriger pflegebedürftig wird, stellen sich viele Fragen: Welche Leistungen gibt "
            "es, welche Dienste helfen vor Ort, wie lässt sich die Wohnung anpassen? Die Beratung ist "
            "neutral und kostenlos, auf Wunsch auch bei Ihnen zu Hause."
        ),
        prerequisites="Keine.",
        required_documents=NO_DOCUMENTS,
        fees="Gebührenfrei.",
        deadlines="Keine.",
        legal_basis="§ 7a Elftes Buch Sozialgesetzbuch (SGB XI); Alten- und Pflegegesetz NRW (APG NRW)",
        processing_time="Beratungstermin meist innerhalb weniger Tage.",
        keywords=("Pflegeberatung", "Wohnraumanpassung", "Pflege Angehörige", "Pflegestützpunkt"),
        maturity=1,
    ),
    ServiceData(
        key="coe-betreuungsbehoerde",
        name="Beratung zur rechtlichen Betreuung und Vorsorgevollmacht",
        themenfeld="1",
        lebenslagen=("36",),
        short_text=(
            "Die Betreuungsbehörde des Kreises berät zu Vorsorgevollmacht, Betreuungsverfügung und "
            "rechtlicher Betreuung."
        ),
        full_text=(
            "Wer wegen Krankheit oder Behinderung seine Angelegenheiten nicht mehr selbst regeln kann, "
            "braucht Unterstützung. Mit einer Vorsorgevollmacht bestimmen Sie selbst, wer dann für Sie "
            "handelt. Die Betreuungsbehörde berät, beglaubigt Unterschriften auf Vorsorgevollmachten und "
            "unterstützt das Betreuungsgericht."
        ),
        prerequisites="Keine.",
        required_documents="Für eine Beglaubigung: die unterschriebene Vollmacht und Ihr Personalausweis.",
        fees="Beratung gebührenfrei; Beglaubigung 10 Euro.",
        deadlines="Keine.",
        legal_basis="Betreuungsorganisationsgesetz (BtOG); §§ 1814 ff. Bürgerliches Gesetzbuch (BGB)",
        processing_time="Termine nach Vereinbarung.",
        keywords=("Vorsorgevollmacht", "Betreuungsverfügung", "rechtliche Betreuung", "Betreuer"),
        maturity=1,
    ),
    # --- Gesundheit und Verbraucherschutz (Kreis) ------------------------------------------------
    ServiceData(
        key="coe-belehrung-ifsg",
        name="Belehrung nach § 43 Infektionsschutzgesetz (Gesundheitszeugnis)",
        leika="99003002022000",
        themenfeld="8",
        lebenslagen=("29", "7"),
        short_text=(
            "Wer gewerbsmäßig mit Lebensmitteln arbeitet, braucht vor Arbeitsbeginn eine Belehrung durch "
            "das Gesundheitsamt."
        ),
        full_text=(
            "Die Belehrung ersetzt das frühere Gesundheitszeugnis. Sie erfahren, welche Krankheiten über "
            "Lebensmittel übertragen werden und wann Sie nicht arbeiten dürfen. Danach erhalten Sie eine "
            "Bescheinigung, die Sie Ihrem Arbeitgeber vorlegen."
        ),
        prerequisites="Sie wollen in Küche, Gastronomie, Lebensmittelherstellung oder -verkauf arbeiten.",
        required_documents="Personalausweis oder Reisepass.",
        fees="Nach der Gebührenordnung des Kreises Coesfeld.",
        deadlines="Die Bescheinigung darf bei Arbeitsbeginn nicht älter als drei Monate sein.",
        legal_basis="§ 43 Infektionsschutzgesetz (IfSG)",
        processing_time="Bescheinigung sofort nach der Belehrung.",
        keywords=(
            "Gesundheitszeugnis",
            "Rote Karte",
            "Hygienebelehrung",
            "Infektionsschutzbelehrung",
            "Lebensmittelbelehrung",
        ),
        maturity=2,
    ),
    ServiceData(
        key="coe-schuleingangsuntersuchung",
        name="Schuleingangsuntersuchung",
        leika="99088028058000",
        themenfeld="3",
        lebenslagen=("42", "29"),
        short_text=(
            "Vor der Einschulung untersucht der Kinder- und Jugendgesundheitsdienst des Kreises jedes Kind."
        ),
        full_text=(
            "Die Schuleingangsuntersuchung ist für alle Kinder Pflicht. Die Ärztinnen und Ärzte des "
            "Gesundheitsamts prüfen Sehen, Hören, Sprache, Motorik und Entwicklung und beraten die Eltern. "
            "Die Einladung kommt automatisch, nachdem Sie Ihr Kind an der Grundschule angemeldet haben."
        ),
        prerequisites="Ihr Kind wird im kommenden Schuljahr eingeschult.",
        required_documents=(
            "Einladung; Untersuchungsheft (U-Heft); Impfpass; Brille oder Hörgerät, falls vorhanden."
        ),
        fees="Gebührenfrei.",
        deadlines="Termin laut Einladung.",
        legal_basis=(
            "§ 54 Schulgesetz NRW (SchulG); Gesetz über den öffentlichen Gesundheitsdienst NRW (ÖGDG NRW)"
        ),
        processing_time="Ergebnis direkt im Anschluss an die Untersuchung.",
        keywords=("Einschulungsuntersuchung", "Schularzt", "Schuluntersuchung", "Einschulung"),
        maturity=1,
    ),
    ServiceData(
        key="coe-lebensmittelbetrieb",
        name="Lebensmittelbetrieb registrieren",
        leika="99050048060000",
        themenfeld="14",
        lebenslagen=("50", "38"),
        audience="unternehmen",
        short_text=(
            "Wer Lebensmittel herstellt, verkauft oder ausgibt, registriert seinen Betrieb bei der "
            "Lebensmittelüberwachung des Kreises."
        ),
        full_text=(
            "Jeder Lebensmittelbetrieb muss vor Aufnahme der Tätigkeit bei der zuständigen Behörde "
            "registriert sein – vom Restaurant über den Imbisswagen bis zum Hofladen. Die Registrierung "
            "ist unabhängig von der Gewerbeanmeldung. Betriebe, die Lebensmittel tierischen Ursprungs "
            "herstellen, brauchen zusätzlich eine Zulassung."
        ),
        prerequisites="Sie nehmen eine Tätigkeit mit Lebensmitteln auf.",
        required_documents="Registrierungsformular mit Angaben zu Betrieb, Tätigkeit und Betriebsstätte.",
        fees="Die Registrierung ist gebührenfrei.",
        deadlines="Vor Beginn der Tätigkeit; Änderungen sind unverzüglich zu melden.",
        legal_basis="Artikel 6 Verordnung (EG) Nr. 852/2004 über Lebensmittelhygiene",
        processing_time="Wenige Tage.",
        keywords=(
            "Lebensmittelbetrieb anmelden",
            "Foodtruck",
            "Imbiss eröffnen",
            "Hofladen",
            "Lebensmittelüberwachung",
        ),
        maturity=2,
    ),
    # --- Umwelt (Kreis) -------------------------------------------------------------------------
    ServiceData(
        key="coe-kleinklaeranlage",
        name="Kleinkläranlage: wasserrechtliche Erlaubnis zum Einleiten",
        leika="99129004005000",
        themenfeld="13",
        lebenslagen=("2", "5"),
        short_text=(
            "Wer ein Grundstück ohne Kanalanschluss über eine Kleinkläranlage entwässert, braucht eine "
            "Erlaubnis der unteren Wasserbehörde."
        ),
        full_text=(
            "Im Außenbereich sind viele Häuser nicht an die öffentliche Kanalisation angeschlossen. Das "
            "gereinigte Abwasser aus der Kleinkläranlage darf nur mit einer befristeten wasserrechtlichen "
            "Erlaubnis in ein Gewässer oder in den Untergrund eingeleitet werden. Die Anlage muss dem "
            "Stand der Technik entsprechen und regelmäßig gewartet werden."
        ),
        prerequisites=(
            "Kein Anschluss an die öffentliche Kanalisation möglich; die Gemeinde hat die "
            "Abwasserbeseitigungspflicht übertragen."
        ),
        required_documents=(
            "Antrag; Lageplan; Beschreibung und bauaufsichtliche Zulassung der Anlage; Angaben zur "
            "Einleitstelle; Wartungsvertrag."
        ),
        fees="Nach der Allgemeinen Verwaltungsgebührenordnung NRW (AVwGebO NRW).",
        deadlines="Vor Bau oder Änderung der Anlage; Verlängerung vor Ablauf der Befristung beantragen.",
        legal_basis="§§ 8, 57 Wasserhaushaltsgesetz (WHG); Landeswassergesetz NRW (LWG)",
        processing_time="Etwa vier bis acht Wochen.",
        keywords=("Kleinkläranlage", "Hauskläranlage", "Abwasser Außenbereich", "private Kläranlage"),
        maturity=2,
    ),
    ServiceData(
        key="coe-wasserrechtliche-erlaubnis",
        name="Wasserrechtliche Erlaubnis (Brunnen, Erdwärme, Grundwasser)",
        leika="99129011005000",
        themenfeld="13",
        lebenslagen=("2", "14"),
        audience="beide",
        short_text=(
            "Wer Grundwasser entnimmt, eine Erdwärmesonde bohrt oder Wasser in ein Gewässer einleitet, "
            "braucht meist eine Erlaubnis."
        ),
        full_text=(
            "Gewässer einschließlich des Grundwassers dürfen nur mit Erlaubnis benutzt werden. Das "
            "betrifft zum Beispiel Brunnen zur Bewässerung, Grundwasserabsenkungen auf Baustellen, "
            "Erdwärmesonden für Wärmepumpen oder das Einleiten von Regenwasser. Die untere Wasserbehörde "
            "des Kreises prüft, ob Grundwasser und Gewässer geschützt bleiben."
        ),
        prerequisites="Ein Vorhaben, das ein Gewässer oder das Grundwasser benutzt.",
        required_documents=(
            "Antrag; Lageplan; Beschreibung des Vorhabens; bei Bohrungen Angaben des Bohrunternehmens."
        ),
        fees="Nach der Allgemeinen Verwaltungsgebührenordnung NRW (AVwGebO NRW).",
        deadlines="Vor Beginn der Maßnahme.",
        legal_basis="§§ 8 bis 10 Wasserhaushaltsgesetz (WHG); Landeswassergesetz NRW (LWG)",
        processing_time="Etwa vier bis zwölf Wochen.",
        keywords=(
            "Brunnen bohren",
            "Grundwasserentnahme",
            "Erdwärmesonde",
            "Wärmepumpe Erdwärme",
            "Gewässerbenutzung",
        ),
        maturity=2,
    ),
    # --- Bauaufsicht (Kreis für neun Gemeinden, Coesfeld und Dülmen selbst) ----------------------
    ServiceData(
        key="coe-baugenehmigung",
        name="Baugenehmigung beantragen",
        leika="99012070006001",
        themenfeld="2",
        lebenslagen=("14", "30"),
        audience="beide",
        short_text=(
            "Wer ein Gebäude errichten, ändern oder anders nutzen will, braucht meist eine Baugenehmigung."
        ),
        full_text=(
            "Den Bauantrag reicht eine bauvorlageberechtigte Person, etwa eine Architektin oder ein "
            "Ingenieur, bei der unteren Bauaufsichtsbehörde ein, in Nordrhein-Westfalen auch digital über "
            "das Bauportal.NRW. Zuständig sind die Städte Coesfeld und Dülmen für ihr Stadtgebiet und der "
            "Kreis Coesfeld für alle anderen Gemeinden. Die Behörde prüft das Vorhaben nach Bauplanungs- "
            "und Bauordnungsrecht und beteiligt die Gemeinde und weitere Stellen. Kleine Vorhaben sind oft "
            "genehmigungsfrei."
        ),
        prerequisites=(
            "Das Vorhaben ist genehmigungspflichtig; der Bauantrag ist von einer bauvorlageberechtigten "
            "Person unterschrieben."
        ),
        required_documents=(
            "Bauantragsformular; Lageplan; Bauzeichnungen; Baubeschreibung; Berechnungen zu Wohn- und "
            "Nutzfläche; Standsicherheits- und Wärmeschutznachweise nach Vorgabe."
        ),
        fees=(
            "Baugebühren nach der Allgemeinen Verwaltungsgebührenordnung NRW, abhängig von den Rohbaukosten."
        ),
        deadlines=(
            "Die Genehmigung erlischt, wenn nicht innerhalb von drei Jahren mit dem Bau begonnen wird."
        ),
        legal_basis=(
            "§§ 60, 64, 65, 70, 74 Bauordnung für das Land Nordrhein-Westfalen (BauO NRW 2018); "
            "Baugesetzbuch (BauGB)"
        ),
        processing_time="In der Regel sechs bis zwölf Wochen nach Eingang vollständiger Unterlagen.",
        keywords=("Bauantrag", "Baugesuch", "Bauerlaubnis", "Hausbau", "Anbau genehmigen", "Bauamt"),
        maturity=3,
    ),
    ServiceData(
        key="coe-bauvoranfrage",
        name="Bauvoranfrage (Vorbescheid) stellen",
        leika="99012010001000",
        themenfeld="2",
        lebenslagen=("14", "30"),
        audience="beide",
        short_text=(
            "Mit einer Bauvoranfrage klären Sie einzelne Fragen zu Ihrem Bauvorhaben verbindlich vorab."
        ),
        full_text=(
            "Bevor Sie einen vollständigen Bauantrag ausarbeiten lassen, können Sie einzelne Fragen "
            "verbindlich klären – zum Beispiel, ob ein Grundstück überhaupt bebaut werden darf oder ob "
            "eine bestimmte Gebäudehöhe zulässig ist. Der Vorbescheid ist drei Jahre gültig. Zuständig ist "
            "dieselbe Bauaufsicht wie für die Baugenehmigung."
        ),
        prerequisites="Eine konkrete Frage zu einem geplanten Vorhaben.",
        required_documents=(
            "Antragsformular mit den konkreten Fragen; Lageplan; soweit nötig Skizzen oder Bauzeichnungen."
        ),
        fees="Nach der Allgemeinen Verwaltungsgebührenordnung NRW (AVwGebO NRW).",
        deadlines="Der Vorbescheid gilt drei Jahre und kann verlängert werden.",
        legal_basis="§ 77 Bauordnung für das Land Nordrhein-Westfalen (BauO NRW 2018)",
        processing_time="In der Regel vier bis acht Wochen.",
        keywords=("Bauvorbescheid", "Voranfrage", "Bebaubarkeit prüfen", "Grundstück bebaubar"),
        maturity=3,
    ),
    # --- Kfz-Zulassung (Kreis, Stellen in Dülmen und Lüdinghausen) -------------------------------
    ServiceData(
        key="coe-kfz-zulassung",
        name="Fahrzeug zulassen",
        leika="99036008007000",
        themenfeld="9",
        lebenslagen=("31",),
        audience="beide",
        short_text=(
            "Neue und gebrauchte Fahrzeuge lassen Sie bei der Kfz-Zulassungsstelle des Kreises in Dülmen "
            "oder Lüdinghausen zu."
        ),
        full_text=(
            "Bevor ein Fahrzeug auf öffentlichen Straßen fahren darf, muss es zugelassen werden. Der Kreis "
            "Coesfeld hat seit Januar 2023 zwei Zulassungsstellen: in Dülmen und in Lüdinghausen. Die "
            "Vorsprache ist nur mit Termin möglich. Viele Zulassungen können Sie auch online über i-Kfz "
            "erledigen, wenn Sie einen Personalausweis mit Online-Ausweisfunktion haben."
        ),
        prerequisites=(
            "Versicherungsschutz (eVB-Nummer); gültige Hauptuntersuchung; Wohnsitz oder Sitz im Kreis "
            "Coesfeld."
        ),
        required_documents=(
            "Personalausweis oder Reisepass mit Meldebescheinigung; eVB-Nummer; Zulassungsbescheinigung "
            "Teil I und II; Nachweis der Hauptuntersuchung; SEPA-Lastschriftmandat für die Kfz-Steuer."
        ),
        fees=(
            "Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt); zuzüglich "
            "Kennzeichenschilder."
        ),
        deadlines="Vor der ersten Fahrt auf öffentlichen Straßen.",
        legal_basis="§§ 3, 6 Fahrzeug-Zulassungsverordnung (FZV)",
        processing_time="Bei Vorsprache sofort; online wenige Tage.",
        keywords=(
            "Auto anmelden",
            "Neuzulassung",
            "Kfz anmelden",
            "Zulassungsstelle",
            "Straßenverkehrsamt",
            "i-Kfz",
        ),
        maturity=3,
    ),
    ServiceData(
        key="coe-kfz-halterwechsel",
        name="Fahrzeug umschreiben (Halterwechsel oder Umzug)",
        leika="99036008071000",
        themenfeld="9",
        lebenslagen=("31",),
        audience="beide",
        short_text=(
            "Nach dem Kauf eines gebrauchten Fahrzeugs oder einem Umzug in den Kreis schreiben Sie das "
            "Fahrzeug um."
        ),
        full_text=(
            "Wer ein zugelassenes Fahrzeug kauft, muss es unverzüglich auf sich umschreiben lassen. Auch "
            "nach einem Umzug werden Anschrift und bei Bedarf das Kennzeichen geändert. Das bisherige "
            "Kennzeichen können Sie bei einem Umzug innerhalb Deutschlands behalten."
        ),
        prerequisites="Versicherungsschutz (eVB-Nummer); gültige Hauptuntersuchung.",
        required_documents=(
            "Personalausweis; eVB-Nummer; Zulassungsbescheinigung Teil I und II; Nachweis der "
            "Hauptuntersuchung; SEPA-Lastschriftmandat für die Kfz-Steuer."
        ),
        fees="Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt).",
        deadlines="Unverzüglich nach Kauf oder Umzug.",
        legal_basis="§ 13 Fahrzeug-Zulassungsverordnung (FZV)",
        processing_time="Bei Vorsprache sofort; online wenige Tage.",
        keywords=(
            "Auto ummelden",
            "Umschreibung",
            "Gebrauchtwagen anmelden",
            "Halterwechsel",
            "Adresse Fahrzeugschein",
        ),
        maturity=3,
    ),
    ServiceData(
        key="coe-wunschkennzeichen",
        name="Wunschkennzeichen reservieren",
        leika="99036009072000",
        themenfeld="9",
        lebenslagen=("31",),
        audience="beide",
        short_text="Ein Wunschkennzeichen für den Kreis Coesfeld reservieren Sie online vor der Zulassung.",
        full_text=(
            "Sie können sich eine freie Buchstaben- und Zahlenkombination aussuchen und online "
            "reservieren. Die Reservierung gilt eine begrenzte Zeit; bringen Sie die "
            "Reservierungsbestätigung zur Zulassung mit."
        ),
        prerequisites="Die gewünschte Kombination ist frei und zulässig.",
        required_documents="Reservierungsbestätigung bei der Zulassung.",
        fees=(
            "Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt), derzeit 10,20 Euro "
            "zuzüglich Reservierungsgebühr."
        ),
        deadlines=(
            "Die Reservierung verfällt, wenn das Fahrzeug nicht in der angegebenen Frist zugelassen wird."
        ),
        legal_basis="§ 8 Fahrzeug-Zulassungsverordnung (FZV); GebOSt",
        processing_time="Sofort online.",
        keywords=("Wunschnummer", "Kennzeichen reservieren", "Nummernschild", "COE Kennzeichen"),
        maturity=4,
    ),
    ServiceData(
        key="coe-ausserbetriebsetzung",
        name="Fahrzeug außer Betrieb setzen (abmelden)",
        leika="99036008070000",
        themenfeld="9",
        lebenslagen=("31",),
        audience="beide",
        short_text=(
            "Wer ein Fahrzeug nicht mehr nutzt, setzt es bei der Zulassungsstelle oder online außer Betrieb."
        ),
        full_text=(
            "Mit der Außerbetriebsetzung (Abmeldung) enden Kfz-Steuer und Versicherungspflicht. Die "
            "Kennzeichen werden entstempelt. Sie können das Fahrzeug später wieder zulassen. Mit "
            "Personalausweis mit Online-Funktion und Sicherheitscodes der Papiere geht das auch online."
        ),
        prerequisites="Das Fahrzeug ist zugelassen.",
        required_documents=(
            "Zulassungsbescheinigung Teil I; beide Kennzeichenschilder; bei Verschrottung der "
            "Verwertungsnachweis."
        ),
        fees="Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt), wenige Euro.",
        deadlines="Keine.",
        legal_basis="§ 14 Fahrzeug-Zulassungsverordnung (FZV)",
        processing_time="Bei Vorsprache sofort; online sofort.",
        keywords=(
            "Auto abmelden",
            "Abmeldung Fahrzeug",
            "stilllegen",
            "Außerbetriebsetzung",
            "Kennzeichen abgeben",
        ),
        maturity=4,
    ),
    # --- Fahrerlaubnis (Kreis, Abteilung 36.03) ---------------------------------------------------
    ServiceData(
        key="coe-fahrerlaubnis-ersterteilung",
        name="Fahrerlaubnis beantragen (Ersterteilung)",
        leika="99023001012000",
        themenfeld="9",
        lebenslagen=("25",),
        short_text=(
            "Bevor Sie zur Führerscheinprüfung dürfen, beantragen Sie die Fahrerlaubnis bei der "
            "Führerscheinstelle des Kreises."
        ),
        full_text=(
            "Den Antrag stellen Sie rechtzeitig, meist zu Beginn der Fahrschulausbildung, oft über Ihre "
            "Fahrschule. Die Führerscheinstelle prüft die Unterlagen und gibt den Prüfauftrag an die "
            "Prüfstelle. Nach bestandener Prüfung erhalten Sie den Kartenführerschein. Mit 17 Jahren ist "
            "begleitetes Fahren möglich."
        ),
        prerequisites="Mindestalter der Klasse; Wohnsitz im Kreis Coesfeld; Eignung und Befähigung.",
        required_documents=(
            "Antragsformular; Personalausweis; biometrisches Passfoto; Sehtestbescheinigung; Nachweis über "
            "einen Erste-Hilfe-Kurs; bei Minderjährigen die Zustimmung der Sorgeberechtigten."
        ),
        fees=(
            "Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt); Prüfungsgebühren der "
            "Prüfstelle zusätzlich."
        ),
        deadlines="Etwa drei Monate vor der geplanten Prüfung beantragen.",
        legal_basis="§§ 21, 22 Fahrerlaubnis-Verordnung (FeV)",
        processing_time="Etwa vier bis sechs Wochen.",
        keywords=(
            "Führerschein beantragen",
            "Führerschein machen",
            "Fahrerlaubnisantrag",
            "BF17",
            "Fahrschule",
        ),
        maturity=2,
    ),
    ServiceData(
        key="coe-fuehrerschein-umtausch",
        name="Führerschein umtauschen",
        leika="99023001051000",
        themenfeld="9",
        lebenslagen=("25",),
        short_text=(
            "Alte Papier- und Kartenführerscheine müssen nach festen Fristen in den neuen "
            "EU-Kartenführerschein umgetauscht werden."
        ),
        full_text=(
            "Alle vor 2013 ausgestellten Führerscheine müssen bis spätestens 2033 umgetauscht werden. Die "
            "Frist richtet sich beim Papierführerschein nach dem Geburtsjahr, beim Kartenführerschein nach "
            "dem Ausstellungsjahr. Wer die Frist verpasst, riskiert ein Verwarnungsgeld. Die "
            "Fahrerlaubnis selbst bleibt bestehen."
        ),
        prerequisites="Sie haben einen Führerschein, der vor dem 19. Januar 2013 ausgestellt wurde.",
        required_documents=(
            "Personalausweis; alter Führerschein; biometrisches Passfoto; bei Ausstellung durch eine "
            "andere Behörde eine Karteikartenabschrift."
        ),
        fees="Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt), rund 25 Euro.",
        deadlines="Gestaffelt nach Geburtsjahr oder Ausstellungsjahr bis 19. Januar 2033.",
        legal_basis="§ 24a Fahrerlaubnis-Verordnung (FeV) mit Anlage 8e",
        processing_time="Etwa vier bis sechs Wochen.",
        keywords=(
            "Führerscheinumtausch",
            "Kartenführerschein",
            "alter Führerschein",
            "rosa Führerschein",
            "grauer Lappen",
            "Führerschein umschreiben",
        ),
        maturity=2,
    ),
    ServiceData(
        key="coe-ersatzfuehrerschein",
        name="Ersatzführerschein bei Verlust oder Diebstahl",
        leika="99023001036000",
        themenfeld="9",
        lebenslagen=("25",),
        short_text=(
            "Ist Ihr Führerschein verloren oder gestohlen, beantragen Sie bei der Führerscheinstelle einen "
            "Ersatz."
        ),
        full_text=(
            "Melden Sie den Verlust oder Diebstahl und beantragen Sie einen Ersatzführerschein. Bis er da "
            "ist, können Sie eine vorläufige Bescheinigung erhalten. Taucht der alte Führerschein wieder "
            "auf, geben Sie ihn ab."
        ),
        prerequisites="Ihr Führerschein ist verloren gegangen, gestohlen oder unbrauchbar geworden.",
        required_documents=(
            "Personalausweis; biometrisches Passfoto; bei Diebstahl die Anzeige der Polizei; Versicherung "
            "an Eides statt über den Verlust."
        ),
        fees="Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt).",
        deadlines="Keine.",
        legal_basis="§ 25 Fahrerlaubnis-Verordnung (FeV)",
        processing_time="Etwa drei bis vier Wochen.",
        keywords=(
            "Führerschein verloren",
            "Führerschein gestohlen",
            "Ersatzführerschein",
            "Duplikat Führerschein",
        ),
        maturity=2,
    ),
    ServiceData(
        key="coe-internationaler-fuehrerschein",
        name="Internationalen Führerschein beantragen",
        leika="99023001012004",
        themenfeld="9",
        lebenslagen=("25", "10"),
        short_text=(
            "Für Fahrten in manchen Ländern außerhalb der EU brauchen Sie zusätzlich einen internationalen "
            "Führerschein."
        ),
        full_text=(
            "Der internationale Führerschein gilt nur zusammen mit dem nationalen Kartenführerschein und "
            "ist drei Jahre gültig. Ob Sie ihn brauchen, hängt vom Reiseland ab."
        ),
        prerequisites="Sie besitzen einen EU-Kartenführerschein und wohnen im Kreis Coesfeld.",
        required_documents="Personalausweis; Kartenführerschein; biometrisches Passfoto.",
        fees="Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt), rund 17 Euro.",
        deadlines="Keine.",
        legal_basis="§ 25b Fahrerlaubnis-Verordnung (FeV)",
        processing_time="In der Regel sofort bei Vorsprache.",
        keywords=(
            "internationaler Führerschein",
            "Führerschein Ausland",
            "Auslandsführerschein",
            "USA Führerschein",
        ),
        maturity=1,
    ),
    ServiceData(
        key="coe-personenbefoerderungsschein",
        name="Personenbeförderungsschein (Fahrerlaubnis zur Fahrgastbeförderung)",
        leika="99084003001000",
        themenfeld="9",
        lebenslagen=("34", "25"),
        audience="beide",
        short_text=(
            "Wer Fahrgäste im Taxi, Mietwagen oder Krankenwagen befördert, braucht eine Fahrerlaubnis zur "
            "Fahrgastbeförderung."
        ),
        full_text=(
            "Die Fahrerlaubnis zur Fahrgastbeförderung, oft P-Schein genannt, braucht, wer Fahrgäste "
            "gewerblich befördert, etwa im Taxi, Mietwagen oder Krankentransport. Sie gilt fünf Jahre und "
            "kann verlängert werden."
        ),
        prerequisites=(
            "Mindestalter 21 Jahre; seit mindestens zwei Jahren Fahrerlaubnis der Klasse B; "
            "gesundheitliche Eignung."
        ),
        required_documents=(
            "Antrag; Personalausweis; Führerschein; Führungszeugnis zur Vorlage bei einer Behörde; Auszug "
            "aus dem Fahreignungsregister; ärztliches Gutachten; Sehtest; Nachweis über Erste Hilfe."
        ),
        fees="Nach der Gebührenordnung für Maßnahmen im Straßenverkehr (GebOSt).",
        deadlines="Verlängerung rechtzeitig vor Ablauf der fünf Jahre beantragen.",
        legal_basis="§ 48 Fahrerlaubnis-Verordnung (FeV)",
        processing_time="Etwa vier bis sechs Wochen.",
        keywords=("P-Schein", "Taxischein", "Fahrgastbeförderung", "Krankenwagen Fahrerlaubnis"),
        maturity=2,
    ),
    # --- Sicherheit und Ordnung (Kreis) ---------------------------------------------------------
    ServiceData(
        key="coe-jagdschein",
        name="Jagdschein beantragen oder verlängern",
        leika="99067004001000",
        themenfeld="5",
        lebenslagen=("23",),
        short_text="Wer jagen will, braucht einen Jagdschein der unteren Jagdbehörde des Kreises.",
        full_text=(
            "Den Jagdschein erhält, wer die Jägerprüfung bestanden hat, zuverlässig ist und eine "
            "Jagdhaftpflichtversicherung nachweist. Der Jahresjagdschein gilt für bis zu drei Jagdjahre; "
            "das Jagdjahr beginnt am 1. April. Ausländerinnen und Ausländer können einen Jagdschein für "
            "Gäste erhalten."
        ),
        prerequisites=(
            "Bestandene Jägerprüfung; Zuverlässigkeit und persönliche Eignung; Mindestalter 16 Jahre "
            "(Jugendjagdschein)."
        ),
        required_documents=(
            "Antrag; Personalausweis; Prüfungszeugnis der Jägerprüfung; Nachweis der "
            "Jagdhaftpflichtversicherung; bei Verlängerung der bisherige Jagdschein."
        ),
        fees="Nach der Gebührenordnung; zusätzlich die Jagdabgabe des Landes NRW.",
        deadlines="Verlängerung vor Beginn des neuen Jagdjahres am 1. April.",
        legal_basis=(
            "§§ 15 bis 18 Bundesjagdgesetz (BJagdG); Landesjagdgesetz Nordrhein-Westfalen (LJG-NRW)"
        ),
        processing_time="Etwa zwei bis vier Wochen wegen der Zuverlässigkeitsprüfung.",
        keywords=("Jahresjagdschein", "Jägerprüfung", "Jagdschein verlängern", "Jagd"),
        maturity=2,
    ),
    ServiceData(
        key="coe-waffenbesitzkarte",
        name="Waffenbesitzkarte beantragen",
        leika="99089086000000",
        themenfeld="5",
        lebenslagen=("23",),
        short_text=(
            "Wer eine erlaubnispflichtige Schusswaffe erwerben und besitzen will, braucht eine "
            "Waffenbesitzkarte."
        ),
        full_text=(
            "Eine Waffenbesitzkarte erhalten Personen mit einem anerkannten Bedürfnis, zum Beispiel "
            "Jägerinnen und Jäger oder Sportschützen, sowie Erben. Die Waffenbehörde prüft "
            "Zuverlässigkeit, persönliche Eignung und Sachkunde und fragt dazu beim Verfassungsschutz und "
            "anderen Behörden an. Waffen müssen sicher in einem geeigneten Waffenschrank aufbewahrt "
            "werden."
        ),
        prerequisites=(
            "Mindestalter 18 Jahre; Zuverlässigkeit, persönliche Eignung, Sachkunde und ein Bedürfnis."
        ),
        required_documents=(
            "Antrag; Personalausweis; Nachweis der Sachkunde; Bedürfnisnachweis (Jagdschein oder "
            "Bescheinigung des Schießsportverbands); Nachweis der sicheren Aufbewahrung."
        ),
        fees="Nach der Gebührenordnung zum Waffengesetz.",
        deadlines="Erwerb einer Waffe innerhalb von zwei Wochen melden.",
        legal_basis="§§ 4 bis 10 Waffengesetz (WaffG)",
        processing_time="Mehrere Wochen wegen der Zuverlässigkeitsprüfung.",
        keywords=("WBK", "Schusswaffe erwerben", "Sportschütze", "Jagdwaffe", "Waffenerbe"),
        maturity=1,
    ),
    # --- Ausländerangelegenheiten (Kreis, 32.04) --------------------------------------------------
    ServiceData(
        key="coe-aufenthaltstitel",
        name="Aufenthaltstitel beantragen oder verlängern",
        leika="99010001001000",
        themenfeld="4",
        lebenslagen=("19",),
        short_text=(
            "Wer nicht aus der EU kommt und länger in Deutschland bleiben möchte, braucht einen "
            "Aufenthaltstitel der Ausländerbehörde."
        ),
        full_text=(
            "Aufenthaltstitel gibt es zum Beispiel für Arbeit, Ausbildung, Studium oder Familiennachzug. "
            "Die Ausländerbehörde des Kreises Coesfeld erteilt und verlängert Aufenthaltserlaubnisse, "
            "Niederlassungserlaubnisse und Blaue Karten EU. Der Titel wird als Karte (eAT) hergestellt. "
            "Beantragen Sie die Verlängerung, bevor der alte Titel abläuft."
        ),
        prerequisites=(
            "Gültiger Pass; gesicherter Lebensunterhalt; die Voraussetzungen des jeweiligen "
            "Aufenthaltszwecks."
        ),
        required_documents=(
            "Antrag; Reisepass; biometrisches Passfoto; Nachweise zum Aufenthaltszweck (zum Beispiel "
            "Arbeitsvertrag, Heiratsurkunde); Nachweis der Krankenversicherung; Mietvertrag."
        ),
        fees="Nach § 45 Aufenthaltsverordnung (AufenthV); die Höhe hängt vom Titel ab.",
        deadlines="Verlängerung vor Ablauf des bisherigen Titels beantragen.",
        legal_basis="§§ 4, 7, 9 Aufenthaltsgesetz (AufenthG); § 45 Aufenthaltsverordnung (AufenthV)",
        processing_time="Mehrere Wochen; bis zur Entscheidung gilt eine Fiktionsbescheinigung.",
        keywords=(
            "Aufenthaltserlaubnis",
            "Visum verlängern",
            "Niederlassungserlaubnis",
            "Ausländerbehörde",
            "eAT",
            "Blaue Karte",
        ),
        maturity=2,
    ),
    ServiceData(
        key="coe-einbuergerung",
        name="Einbürgerung beantragen",
        leika="99099002006000",
        themenfeld="4",
        lebenslagen=("19",),
        short_text=(
            "Wer seit mehreren Jahren in Deutschland lebt, kann die deutsche Staatsangehörigkeit beantragen."
        ),
        full_text=(
            "Seit Juni 2024 ist eine Einbürgerung in der Regel nach fünf Jahren rechtmäßigem Aufenthalt "
            "möglich, bei besonderen Integrationsleistungen früher. Die bisherige Staatsangehörigkeit muss "
            "grundsätzlich nicht mehr aufgegeben werden. Die Einbürgerungsbehörde des Kreises berät Sie "
            "vor der Antragstellung und prüft die Voraussetzungen."
        ),
        prerequisites=(
            "Rechtmäßiger gewöhnlicher Aufenthalt seit fünf Jahren; gesicherter Lebensunterhalt; "
            "Deutschkenntnisse auf Niveau B1; bestandener Einbürgerungstest; Bekenntnis zur freiheitlichen "
            "demokratischen Grundordnung."
        ),
        required_documents=(
            "Antrag; Pass; Aufenthaltstitel; Geburtsurkunde; Sprachzertifikat B1; Zertifikat des "
            "Einbürgerungstests; Einkommensnachweise."
        ),
        fees="255 Euro für Erwachsene, 51 Euro für miteingebürgerte minderjährige Kinder.",
        deadlines="Keine.",
        legal_basis="§§ 8 bis 10 Staatsangehörigkeitsgesetz (StAG); § 38 StAG (Gebühren)",
        processing_time="Mehrere Monate.",
        keywords=(
            "deutsche Staatsangehörigkeit",
            "Staatsbürgerschaft",
            "Einbürgerungstest",
            "deutscher Pass",
        ),
        maturity=2,
    ),
)
