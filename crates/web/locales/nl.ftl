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
login-not-yet = Inloggen is in deze versie van Carespace nog niet mogelijk. Accounts worden toegevoegd; tot die tijd is er nog niets om op in te loggen.

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
