"""German and French documents that are neither bills nor receipts (hard negatives).

Why: once German till receipts and French/German invoices are in the training data, the
only German or French text the model has seen is commercial, and it would learn "German
means receipt". Notices, minutes, newsletters and letters with the same everyday words
(Datum, Betrag, Montant, Kunde, Client) keep the decision on structure: tender and till
numbers for a receipt, seller, buyer, tax ids and amounts due for an invoice. Written for
this project; every phrase list is a named table.
"""

from __future__ import annotations

from training.generators.common import Ctx, faker_for

OTHER_TEXT = {
    "de": {
        "titles": ["Mitteilung", "Protokoll der Sitzung", "Rundschreiben", "Newsletter",
                   "Einladung", "Informationsblatt", "Hausordnung", "Aushang",
                   "Tagesordnung", "Pressemitteilung", "Bestätigung Ihrer Anfrage",
                   "Terminbestätigung", "Bestellbestätigung"],
        "greeting": ["Sehr geehrte Damen und Herren,", "Liebe Kolleginnen und Kollegen,",
                     "Liebe Mitglieder,", "Guten Tag,"],
        "sentences": [
            "wir möchten Sie über die Änderungen unserer Öffnungszeiten informieren.",
            "die nächste Sitzung findet am Montag im großen Saal statt.",
            "bitte beachten Sie die neuen Regeln für die Nutzung des Parkplatzes.",
            "das Projekt wurde im vergangenen Quartal erfolgreich abgeschlossen.",
            "wir danken allen Beteiligten für ihre Unterstützung.",
            "die Unterlagen stehen ab sofort im Intranet zur Verfügung.",
            "Fragen richten Sie bitte an das Sekretariat.",
            "der Vorstand hat den Bericht einstimmig angenommen.",
            "aufgrund von Bauarbeiten bleibt der Eingang vorübergehend geschlossen.",
            "Ihre Anfrage ist bei uns eingegangen und wird bearbeitet.",
            "die Teilnahme ist kostenlos, eine Anmeldung ist erforderlich."],
        "closing": ["Mit freundlichen Grüßen", "Viele Grüße", "Ihr Team", "Der Vorstand"],
        "meta": ["Datum", "Ort", "Teilnehmer", "Betreff", "Aktenzeichen", "Ansprechpartner"],
    },
    "fr": {
        "titles": ["Compte rendu de réunion", "Note d'information", "Circulaire",
                   "Lettre d'information", "Convocation", "Règlement intérieur", "Avis",
                   "Communiqué de presse", "Ordre du jour", "Confirmation de rendez-vous",
                   "Confirmation de commande"],
        "greeting": ["Madame, Monsieur,", "Chers collègues,", "Chers adhérents,", "Bonjour,"],
        "sentences": [
            "nous vous informons des nouveaux horaires d'ouverture de nos bureaux.",
            "la prochaine réunion aura lieu lundi dans la grande salle.",
            "merci de respecter les nouvelles règles d'utilisation du parking.",
            "le projet a été mené à bien au cours du dernier trimestre.",
            "nous remercions l'ensemble des participants pour leur soutien.",
            "les documents sont disponibles sur l'intranet.",
            "pour toute question, veuillez contacter le secrétariat.",
            "le conseil d'administration a approuvé le rapport à l'unanimité.",
            "en raison de travaux, l'entrée principale sera fermée temporairement.",
            "votre demande a bien été reçue et sera traitée dans les meilleurs délais.",
            "la participation est gratuite, l'inscription est obligatoire."],
        "closing": ["Cordialement,", "Veuillez agréer nos salutations distinguées.",
                    "L'équipe", "Le bureau"],
        "meta": ["Date", "Lieu", "Participants", "Objet", "Référence", "Contact"],
    },
}


def regional_other(ctx: Ctx) -> list[str]:
    """A German or French notice, minutes page or letter."""
    lang = ctx.pick(sorted(OTHER_TEXT))
    T = OTHER_TEXT[lang]
    fk = faker_for("de_DE" if lang == "de" else "fr_FR", ctx.rng.getrandbits(32))
    L = [fk.company(), fk.street_address(), f"{fk.postcode()} {fk.city()}"] if ctx.chance(0.6) \
        else []
    L.append(ctx.pick(T["titles"]))
    for m in ctx.some(T["meta"], 1, 4):
        L.append(f"{m}: {ctx.fmt_date() if m in ('Datum', 'Date') else fk.city() if m in ('Ort', 'Lieu') else fk.name()}")
    L.append(ctx.pick(T["greeting"]))
    for _ in range(ctx.rng.randint(1, 4)):
        para = " ".join(ctx.some(T["sentences"], 2, 5))
        L.append(para[0].upper() + para[1:])
    L += [ctx.pick(T["closing"]), fk.name()]
    return L
