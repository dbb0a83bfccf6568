# Opmaak
skip-to-content = Direct naar de inhoud
nav-label = Hoofdmenu
nav-home = Start
nav-login = Inloggen
footer-tagline = Carespace: open-source online zorg waarin je gegevens van jou blijven.
language-switch-label = Taal:
back-to-start = Terug naar de startpagina

# Startpagina
start-title = Online zorg, privé
start-heading = Online zorg waarin je gezondheidsgegevens van jou blijven
start-lead = Carespace is de online omgeving van je zorgaanbieder. Cliënten en behandelaars ontmoeten elkaar hier: beveiligde berichten, behandelopdrachten en vragenlijsten, gezondheidsinformatie en videogesprekken — met een persoonlijk dossier dat van jou blijft, ook na de behandeling.
start-login = Inloggen
start-features-heading = Wat je hier kunt doen
start-feature-messages-title = Beveiligde berichten
start-feature-messages-text = Schrijf je behandelaar in een beschermde omgeving in plaats van via gewone e-mail.
start-feature-assignments-title = Opdrachten en vragenlijsten
start-feature-assignments-text = Werk in je eigen tempo aan oefeningen en vragenlijsten en zie je voortgang in de tijd.
start-feature-record-title = Je eigen dossier
start-feature-record-text = Bewaar je documenten en activiteiten op één plek. Jij bepaalt wat je deelt, en je houdt het als je vertrekt.
start-feature-calls-title = Videogesprekken
start-feature-calls-text = Spreek elkaar vanuit je browser. Het gesprek loopt rechtstreeks tussen jou en je behandelaar en wordt nooit opgenomen.
start-privacy-heading = Privacy voorop
start-privacy-text = Alleen behandelaars met wie je een connectie hebt zien je dossier, en je ziet altijd wie dat zijn en wie je gegevens heeft bekeken. Je kunt een Healthspace altijd verlaten en je gegevens meenemen.

# Inloggen
login-title = Inloggen

# Foutmeldingen
error-status = Foutcode: { $status }
error-reference = Kenmerk voor de helpdesk: { $id }
error-bad-request-title = Er klopt iets niet aan het verzoek
error-bad-request-text = De verstuurde gegevens konden niet worden verwerkt. Ga terug, controleer wat je hebt ingevuld en probeer het opnieuw.
error-forbidden-title = Niet toegestaan
error-forbidden-text = Je hebt geen toestemming om dit te doen.
error-not-found-title = Pagina niet gevonden
error-not-found-text = Op dit adres staat geen pagina. Controleer het adres, of begin opnieuw op de startpagina.
error-method-title = Hier niet mogelijk
error-method-text = Deze pagina kan niet op deze manier worden gebruikt.
error-csrf-title = Het formulier is verlopen
error-csrf-text = Voor je veiligheid kon het formulier niet worden verstuurd. Ga terug, laad de pagina opnieuw en probeer het nog eens.
error-too-large-title = Te veel gegevens
error-too-large-text = Wat je verstuurde is groter dan toegestaan. Verstuur een kleiner bestand of minder tekst.
error-too-many-title = Te veel pogingen
error-too-many-text = Wacht even voordat je het opnieuw probeert.
error-internal-title = Er ging iets mis
error-internal-text = Er trad een onverwachte fout op aan onze kant. Niets van wat je invulde is half opgeslagen. Probeer het zo nog eens.
error-unavailable-title = Tijdelijk niet bereikbaar
error-unavailable-text = Carespace is op dit moment niet bereikbaar. Probeer het over een paar minuten opnieuw.

# Accounts: navigation and forms
nav-account = Mijn account
nav-logout = Uitloggen
nav-register = Account aanmaken
form-error-summary = Verbeter het volgende
field-email = E-mailadres
field-full-name = Volledige naam
field-birth-date = Geboortedatum
field-password = Wachtwoord
field-new-password = Nieuw wachtwoord
field-current-password = Huidig wachtwoord
field-new-email = Nieuw e-mailadres
field-language = Taal
field-phone = Mobiel nummer (niet verplicht)
password-hint = Minstens 8 tekens; { $count } of meer is beter. Een paar ongewone woorden achter elkaar maken een sterk wachtwoord dat je onthoudt.

# Registreren
register-title = Account aanmaken
register-intro = Je account is van jou: je gebruikt het bij elke zorgaanbieder waar je lid wordt, en je dossier blijft van jou.
register-email-hint = Hier sturen we meldingen naartoe; daarin staat nooit informatie over je gezondheid.
register-birth-date-hint = Zorgaanbieders controleren hiermee dat jij het echt bent. Je kunt dit later niet wijzigen.
register-submit = Account aanmaken
register-have-account = Heb je al een account?
register-done-title = Kijk in je e-mail
register-done-text = We hebben een e-mail gestuurd naar het adres dat je hebt ingevuld. Open de link daarin om je adres te bevestigen en je account af te maken. De link is 24 uur geldig.
verify-title = Bevestig je e-mailadres
verify-text = Druk op de knop om dit e-mailadres voor je account te bevestigen.
verify-button = E-mailadres bevestigen
verify-done-title = E-mailadres bevestigd
verify-done-text = Dank je. Je e-mailadres is bevestigd en je account is klaar.
link-invalid-title = Deze link werkt niet meer
link-invalid-text = De link is ongeldig, al gebruikt of verlopen. Vraag een nieuwe aan en gebruik de nieuwste e-mail.
verify-pending-title = Bevestig je e-mailadres
verify-pending-text = Bevestig eerst je e-mailadres: open de link in de e-mail die we naar { $email } hebben gestuurd. Geen e-mail? Kijk in je spammap of vraag een nieuwe link aan.
verify-pending-resend = Nieuwe link sturen
verify-pending-sent = Er is een nieuwe link onderweg.
verify-pending-wait = Er is minder dan een minuut geleden een link gestuurd. Wacht even voordat je het opnieuw vraagt.

# Inloggen
login-submit = Inloggen
login-forgot = Wachtwoord vergeten?
login-no-account = Nog geen account?
login-failed = Het e-mailadres of wachtwoord klopt niet.
login-throttled = Te veel pogingen om in te loggen. Probeer het over { $minutes } minuten opnieuw, of stel een nieuw wachtwoord in.

# Wachtwoord herstellen
forgot-title = Wachtwoord vergeten
forgot-intro = Vul het e-mailadres van je account in. We sturen je een link om een nieuw wachtwoord te kiezen.
forgot-submit = Link versturen
forgot-sent-title = Kijk in je e-mail
forgot-sent-text = Als er een account bestaat met dit adres, hebben we een link gestuurd om een nieuw wachtwoord te kiezen. De link is een uur geldig.
reset-title = Kies een nieuw wachtwoord
reset-intro = Hierna word je overal uitgelogd en kun je inloggen met het nieuwe wachtwoord.
reset-submit = Nieuw wachtwoord opslaan
reset-done-title = Wachtwoord gewijzigd
reset-done-text = Je nieuwe wachtwoord is opgeslagen en alle sessies zijn beëindigd. Je kunt nu inloggen.

# Mijn account
account-title = Mijn account
account-saved-profile = Je gegevens zijn opgeslagen.
account-saved-photo = Je foto is bijgewerkt.
account-email-sent = We hebben een link naar het nieuwe adres gestuurd. Je e-mailadres verandert zodra je die opent.
account-saved-password = Je wachtwoord is gewijzigd. Je andere sessies zijn beëindigd.
account-profile = Persoonlijke gegevens
account-birth-date-fixed = (kan niet worden gewijzigd)
account-phone-hint = Voor verificatie in twee stappen per sms. Schrijf het als +31 6 12345678 of 06 12345678.
account-save = Opslaan
account-photo = Profielfoto
account-photo-alt = Je profielfoto
account-photo-choose = Kies een foto
account-photo-hint = JPEG, PNG of WebP. Locatie- en cameragegevens worden verwijderd.
account-photo-upload = Foto uploaden
account-photo-remove = Foto verwijderen
account-email = E-mailadres
account-email-intro = We sturen een link naar het nieuwe adres. De wijziging gaat in zodra je die opent, en we laten het je huidige adres weten.
account-email-submit = E-mailadres wijzigen
account-password = Wachtwoord
account-password-intro = Na de wijziging worden al je andere sessies beëindigd.
account-password-submit = Wachtwoord wijzigen
email-confirm-title = Bevestig je nieuwe e-mailadres
email-confirm-text = Druk op de knop om dit adres voortaan voor je account te gebruiken.
email-confirm-button = Nieuw adres bevestigen
email-confirm-done-title = E-mailadres gewijzigd
email-confirm-done-text = Je account gebruikt nu het nieuwe e-mailadres.

# Sessies
sessions-title = Actieve sessies
sessions-intro = Dit zijn de browsers en apparaten waarop je bent ingelogd. Beëindig elke sessie die je niet herkent, en wijzig dan je wachtwoord.
sessions-ended = { $count ->
    [one] Er is één sessie beëindigd.
   *[other] Er zijn { $count } sessies beëindigd.
}
sessions-current = Deze browser
sessions-device = Apparaat
sessions-ip = IP-adres
sessions-language = Taal van de browser
sessions-started = Ingelogd
sessions-last-seen = Laatst actief
sessions-end = Deze sessie beëindigen
sessions-end-others = Alle andere sessies beëindigen
device-computer = Computer
device-phone = Telefoon
device-other = Ander apparaat

# API-tokens
tokens-title = API-tokens
tokens-intro = Met een persoonlijk toegangstoken gebruikt een programma de Carespace-API namens jou. Geef elk token een naam, houd het geheim en trek het in als het niet meer nodig is.
tokens-created = Je nieuwe token staat hieronder. Kopieer het nu: het wordt niet nog eens getoond.
tokens-none = Je hebt geen tokens.
tokens-name = Naam
tokens-expires = Verloopt
tokens-last-used = Laatst gebruikt
tokens-never = nooit
tokens-revoke = Intrekken
tokens-new = Nieuw token
tokens-days = Geldig (dagen)
tokens-create = Token aanmaken
tokens-api-doc = Beschrijving van de API (OpenAPI)

# Dev-inbox
inbox-title = Dev-inbox
inbox-intro = In deze installatie worden e-mails niet verstuurd maar hier bewaard, nieuwste eerst. Gebruik dit alleen om Carespace uit te proberen.
inbox-empty = Nog geen e-mails.
inbox-to = Aan:
inbox-back = Terug naar de inbox

# Problemen met invoer
problem-email-invalid = Vul een e-mailadres in zoals naam@voorbeeld.nl.
problem-email-unchanged = Dit is al je e-mailadres.
problem-name-required = Vul je volledige naam in.
problem-name-too-long = De naam mag hoogstens 100 tekens zijn.
problem-name-invalid = De naam bevat tekens die niet zijn toegestaan.
problem-birth-date-required = Vul je geboortedatum in.
problem-birth-date-invalid = Vul een echte geboortedatum in, zoals 1990-05-31.
problem-too-young = Je bent jonger dan de minimumleeftijd voor een account hier. Vraag je zorgaanbieder hoe je wel kunt meedoen.
problem-phone-invalid = Vul een mobiel nummer in zoals +31 6 12345678.
problem-password-too-short = Het wachtwoord moet minstens 8 tekens zijn.
problem-password-too-long = Het wachtwoord mag hoogstens 128 tekens zijn.
problem-password-personal = Het wachtwoord mag je naam of e-mailadres niet bevatten.
problem-password-guessable = Dit wachtwoord is te makkelijk te raden. Kies een langer wachtwoord, bijvoorbeeld een paar ongewone woorden achter elkaar.
problem-current-password-wrong = Het huidige wachtwoord klopt niet.
problem-photo-missing = Kies een foto om te uploaden.
problem-photo-too-large = De foto is te groot. Kies een kleiner bestand.
problem-photo-type = Alleen JPEG-, PNG- of WebP-afbeeldingen kunnen worden gebruikt.
problem-photo-unreadable = De afbeelding kon niet worden gelezen. Probeer een ander bestand.
problem-token-name-invalid = Geef het token een naam van hoogstens 100 tekens.
problem-token-days-invalid = Vul een aantal dagen in van 1 tot en met 365.

# E-mail
mail-greeting = Hallo { $name },
mail-footer = Deze e-mail is verstuurd door Carespace ({ $url }). Er staat nooit gezondheidsinformatie in: log in om berichten te lezen.
mail-verify-email-subject = Bevestig je e-mailadres
mail-verify-email-body = Welkom bij Carespace. Bevestig je e-mailadres om je account af te maken. De link is 24 uur geldig. Heb je geen account aangemaakt? Dan kun je deze e-mail negeren.
mail-verify-email-action = E-mailadres bevestigen
mail-already-registered-subject = Iemand probeerde een account te maken met jouw adres
mail-already-registered-body = Iemand probeerde met dit e-mailadres een Carespace-account aan te maken, of het adres van een account te wijzigen. Je hebt al een account. Was jij het en ben je je wachtwoord vergeten? Kies dan een nieuw. Anders kun je deze e-mail negeren.
mail-already-registered-action = Nieuw wachtwoord kiezen
mail-reset-password-subject = Kies een nieuw wachtwoord
mail-reset-password-body = Iemand heeft gevraagd het wachtwoord van je Carespace-account opnieuw in te stellen. De link is een uur geldig. Was jij het niet? Negeer dan deze e-mail: je wachtwoord blijft hetzelfde.
mail-reset-password-action = Nieuw wachtwoord kiezen
mail-password-changed-subject = Je wachtwoord is gewijzigd
mail-password-changed-body = Het wachtwoord van je Carespace-account is zojuist gewijzigd en je andere sessies zijn beëindigd. Was jij het niet? Kies dan meteen een nieuw wachtwoord.
mail-password-changed-action = Nieuw wachtwoord kiezen
mail-confirm-new-email-subject = Bevestig je nieuwe e-mailadres
mail-confirm-new-email-body = Open de link om dit adres voortaan voor je Carespace-account te gebruiken. De link is 24 uur geldig. Heb je hier niet om gevraagd? Dan kun je deze e-mail negeren.
mail-confirm-new-email-action = Nieuw adres bevestigen
mail-email-changed-subject = Je e-mailadres is gewijzigd
mail-email-changed-body = Je Carespace-account gebruikt nu het adres { $new_email }. Op dit adres krijg je geen e-mails meer. Was jij het niet? Neem dan meteen contact op met je zorgaanbieder.
mail-email-changed-action = Inloggen

error-unauthorized-title = Log eerst in
error-unauthorized-text = Je moet ingelogd zijn om dit te doen.

# Mijn organisatie
nav-organisation = Mijn organisatie
organisation-title = Mijn organisatie
organisation-saved = De gegevens van de organisatie zijn opgeslagen.
organisation-healthspace-created = De Healthspace is aangemaakt. Hij is nog niet actief: activeer hem als hij klaar is.
organisation-healthspace-activated = De Healthspace is actief: cliënten en medewerkers kunnen hem bereiken.
organisation-healthspace-deactivated = De Healthspace is gedeactiveerd. Lidmaatschappen zijn niet opgezegd.
organisation-details = Gegevens van de organisatie
organisation-address-note = Een adreswijziging van de organisatie verandert het adres van de Healthspaces niet. Het adres van een Healthspace stel je in bij de instellingen van die Healthspace; het staat op de loginpagina.
organisation-name = Naam
organisation-address = Adres
organisation-billing-address = Factuuradres
organisation-healthspaces = Healthspaces
organisation-no-healthspaces = Deze organisatie heeft nog geen Healthspaces.
organisation-healthspace-name = Naam van de Healthspace
organisation-alias = Alias (webadres)
organisation-alias-hint = 3 tot 40 kleine letters, cijfers en koppeltekens, bijvoorbeeld de-linde. De Healthspace komt op /h/ gevolgd door de alias.
organisation-alias-warning = Kies de alias zorgvuldig: je kunt hem later niet wijzigen, en hij wordt nooit opnieuw uitgegeven.
organisation-state = Status
organisation-active = Actief
organisation-inactive = Niet actief
organisation-actions = Acties
organisation-activate = Activeren
organisation-deactivate = Deactiveren
organisation-new-healthspace = Nieuwe Healthspace
organisation-create = Healthspace aanmaken
deactivate-title = Healthspace deactiveren
deactivate-effect = Na het deactiveren kunnen cliënten en medewerkers deze Healthspace niet meer bereiken. Jij als eigenaar houdt toegang.
deactivate-memberships = { $count ->
    [one] Er is één bestaand lidmaatschap.
   *[other] Er zijn { $count } bestaande lidmaatschappen.
}
deactivate-not-cancelled = Lidmaatschappen worden niet opgezegd: ze blijven bestaande lidmaatschappen, tellen mee in rapportages en seats, en zijn allemaal weer geldig — connecties ook — als je de Healthspace opnieuw activeert. Wil je dat niet, zeg de lidmaatschappen dan eerst op.
deactivate-confirm = Deactiveren
deactivate-cancel = Actief laten
healthspace-unavailable-title = Deze Healthspace is niet beschikbaar
healthspace-unavailable-text = Deze Healthspace is op dit moment niet te bereiken. Neem contact op met je zorgaanbieder als je hem hier verwachtte.
problem-required = Dit veld is verplicht.
problem-too-long = Dit is te lang.
problem-healthspace-name = Geef de Healthspace een naam van hoogstens 100 tekens.
problem-alias-length = De alias moet 3 tot 40 tekens zijn.
problem-alias-characters = Gebruik alleen kleine letters, cijfers en enkele koppeltekens, niet aan het begin of eind.
problem-alias-reserved = Dit woord is gereserveerd. Kies een andere alias.
problem-alias-taken = Deze alias is bezet of al eens gebruikt. Kies een andere.
mail-greeting-anonymous = Hallo,
mail-owner-added-subject = Je bent nu eigenaar van een organisatie
mail-owner-added-body = Je bent nu eigenaar van { $organisation } op Carespace. Log in en open Mijn organisatie om de organisatie en haar Healthspaces te beheren.
mail-owner-added-action = Mijn organisatie openen
mail-owner-invited-subject = Je bent eigenaar gemaakt van een organisatie
mail-owner-invited-body = Je bent eigenaar gemaakt van { $organisation } op Carespace. Maak een account aan met dit e-mailadres ({ $email }) en bevestig het; de organisatie staat dan onder Mijn organisatie. Heb je al een account met een ander adres? Wijzig het dan in Mijn account naar dit adres.
mail-owner-invited-action = Account aanmaken

# Leden, uitnodigingen, lidmaatschappen, connecties
role-client = Cliënt
role-staff = Medewerker
role-admin = Healthspace-beheerder
membership-active = Actief
membership-cancelled = Opgezegd
members-title = Leden
members-search = Naam of e-mailadres
members-role = Rol
members-state = Status
members-all = Alle
members-filter = Filteren
members-none = Geen leden gevonden.
members-next = Volgende pagina
members-cancel = Lidmaatschap opzeggen
members-invited = De uitnodiging is verstuurd.
members-cancelled = Het lidmaatschap is opgezegd en het lid heeft een e-mail gekregen.
members-connected = Ze zijn verbonden.
members-invite = Iemand uitnodigen
members-invite-birth-date = Geboortedatum (niet verplicht)
members-invite-birth-date-hint = Als je deze invult, moet de uitgenodigde dezelfde datum invullen om te accepteren: een tweede identiteitscontrole.
members-invite-submit = Uitnodiging versturen
members-connect = Een medewerker met een cliënt verbinden
members-connect-intro = Een medewerker ziet het dossier van een cliënt alleen via een connectie. De cliënt ziet altijd wie er verbonden is.
members-connect-staff = E-mailadres van de medewerker
members-connect-client = E-mailadres van de cliënt
members-connect-submit = Verbinden
invitation-title = Uitnodiging
invitation-text = Je bent uitgenodigd voor
invitation-birth-date-hint = Vul je geboortedatum in, zodat we weten dat jij het echt bent.
invitation-accept = Uitnodiging accepteren
invitation-log-in-first = Log in om te accepteren, of maak eerst een account aan met het e-mailadres waarnaar de uitnodiging is gestuurd.
memberships-title = Lidmaatschappen
memberships-none = Je bent geen lid van een Healthspace.
memberships-since = Lid sinds
memberships-cancel = Lidmaatschap opzeggen
memberships-cancelled = Je lidmaatschap is opgezegd. Je dossier blijft van jou.
memberships-cancel-effect = Na het opzeggen kunnen de medewerkers van deze Healthspace je dossier niet meer zien. Jij houdt alles, kosteloos, en je kunt later opnieuw worden uitgenodigd.
memberships-cancel-confirm = Ja, zeg mijn lidmaatschap op
memberships-keep = Lidmaatschap houden
connections-title = Mijn connecties
connections-intro = Deze medewerkers zijn met je verbonden en kunnen je dossier zien in hun Healthspace.
connections-none = Er is niemand met je verbonden.
connections-who = Medewerker
connections-where = Healthspace
connections-since = Sinds
problem-role-invalid = Kies een rol.
problem-birth-date-mismatch = De geboortedatum komt niet overeen met wat de zorgaanbieder heeft opgegeven. Controleer hem, of vraag het de zorgaanbieder.
problem-not-a-member = Dit adres hoort niet bij een lid van deze Healthspace met die rol.
mail-invitation-subject = Je bent uitgenodigd voor een Healthspace
mail-invitation-body = Je bent uitgenodigd voor { $organisation } op Carespace als { $role }. De uitnodiging is 14 dagen geldig.
mail-invitation-action = Uitnodiging bekijken
mail-invitation-reminder-subject = Herinnering: je bent uitgenodigd voor een Healthspace
mail-invitation-reminder-body = Een herinnering: je bent uitgenodigd voor { $organisation } op Carespace als { $role }.
mail-invitation-reminder-action = Uitnodiging bekijken
mail-membership-cancelled-subject = Je lidmaatschap is opgezegd
mail-membership-cancelled-body = Je zorgaanbieder heeft je lidmaatschap van { $organisation } opgezegd. Je houdt je dossier en alles wat erin staat.
mail-membership-cancelled-action = Mijn lidmaatschappen

## De eigen pagina's van een Healthspace: dashboard en instellingen
nav-healthspaces = Healthspaces
healthspace-logo-alt = Logo van { $name }
healthspace-not-member = Je bent ingelogd, maar je bent geen lid van deze Healthspace. Verwachtte je dat wel? Vraag je zorgverlener om een uitnodiging.
dashboard-your-role = Je bent hier als: { $role }
dashboard-inactive = Deze Healthspace is niet actief. Tot hij geactiveerd is, zien alleen de eigenaren van de organisatie hem.
dashboard-welcome = Welkom
dashboard-address = Adres
dashboard-opening-hours = Openingstijden
dashboard-manage = Beheer
dashboard-connect-self = Jezelf aan een cliënt koppelen
dashboard-connect-self-hint = Het e-mailadres dat de cliënt hier gebruikt. Door te koppelen krijg je toegang tot het dossier van deze cliënt, en de cliënt ziet dat je gekoppeld bent.
dashboard-connect-self-submit = Koppel mij
dashboard-connected = Je bent aan de cliënt gekoppeld.
settings-title = Instellingen
settings-back = Terug naar { $name }
settings-general = Naam, teksten en kleuren
settings-name = Naam van de Healthspace
settings-address = Adres
settings-address-hint = Staat op de inlogpagina en het dashboard van de Healthspace. Het adres van de organisatie wijzigen verandert dit adres niet.
settings-welcome = Welkomsttekst
settings-welcome-hint = Staat op het dashboard. Eenvoudige HTML mag: alinea's, vet, cursief, lijsten en links. De rest wordt verwijderd.
settings-opening-hours = Openingstijden
settings-colours = Kleuren
settings-colours-hint = De kleur van de kopbalk, knoppen en links, en de kleur van tekst daarop. Beide moeten leesbaar zijn: een contrast van minstens 4,5:1 (WCAG AA).
settings-own-colours = Eigen kleuren gebruiken
settings-brand-primary = Huiskleur
settings-brand-primary-text = Tekst op de huiskleur
settings-staff-connect-self = Medewerkers mogen zichzelf aan cliënten koppelen
settings-staff-connect-self-hint = Anders koppelen alleen beheerders medewerkers aan cliënten.
settings-logo = Logo
settings-logo-file = Afbeelding van het logo
settings-logo-hint = JPEG, PNG of WebP, hoogstens 5 MB. Het wordt hoogstens 512 pixels breed getoond.
settings-logo-upload = Logo uploaden
settings-logo-remove = Logo verwijderen
settings-saved = De instellingen zijn opgeslagen.
settings-logo-saved = Het logo is gewijzigd.
seats-title = Seatsrapportage
audit-title = Auditlog
problem-colour-format = Kies een kleur zoals #0b5c8a.
problem-colour-text-contrast = De tekstkleur is niet leesbaar op de huiskleur. Kies kleuren met meer contrast (minstens 4,5:1).
problem-colour-page-contrast = De huiskleur is te licht om als tekst op een witte pagina te lezen. Kies een donkerdere kleur (contrast minstens 4,5:1).
problem-logo-missing = Kies een afbeelding om te uploaden.
problem-logo-too-large = De afbeelding is te groot. Kies een kleiner bestand.
problem-logo-type = Alleen JPEG-, PNG- of WebP-afbeeldingen kunnen worden gebruikt.
problem-logo-unreadable = De afbeelding kon niet worden gelezen. Probeer een ander bestand.
members-pending = Nog niet geaccepteerde uitnodigingen
members-pending-until = Geldig tot
members-pending-expired = Verlopen
members-resend = Opnieuw sturen
members-revoke = Intrekken
members-revoked = De uitnodiging is ingetrokken; de link werkt niet meer.
members-resent = De uitnodiging is opnieuw verstuurd met een nieuwe link, 14 dagen geldig.
seats-intro = Per kalendermaand (UTC): de lidmaatschappen van { $name } die ergens in die maand bestonden, per rol. Lidmaatschappen van een inactieve Healthspace zijn niet opgezegd en tellen ook mee; opgezegde tellen mee tot en met de maand waarin ze zijn opgezegd.
seats-caption = Bestaande lidmaatschappen per maand in { $name }
seats-month = Maand
seats-clients = Cliënten
seats-staff = Medewerkers
seats-admins = Beheerders
seats-total = Totaal
seats-download = Downloaden als CSV
