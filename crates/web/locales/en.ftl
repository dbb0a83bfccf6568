# Layout
skip-to-content = Skip to main content
nav-label = Main
nav-home = Home
nav-login = Log in
footer-tagline = Carespace: open-source online care that keeps your data yours.
language-switch-label = Language:
back-to-start = Back to the start page

# Start page
start-title = Online care, privately
start-heading = Online care that keeps your health data yours
start-lead = Carespace is the online environment of your care provider. Clients and clinicians meet here: secure messages, treatment assignments and questionnaires, health information and video calls — with a personal health record that stays yours, also after treatment ends.
start-login = Log in
start-features-heading = What you can do here
start-feature-messages-title = Secure messages
start-feature-messages-text = Write to your clinician in a protected environment instead of ordinary e-mail.
start-feature-assignments-title = Assignments and questionnaires
start-feature-assignments-text = Work on exercises and questionnaires at your own pace and see your progress over time.
start-feature-record-title = Your own record
start-feature-record-text = Keep your documents and activity in one place. You decide what you share, and you keep it when you leave.
start-feature-calls-title = Video calls
start-feature-calls-text = Talk face to face from your browser. The call goes directly between you and your clinician and is never recorded.
start-privacy-heading = Privacy comes first
start-privacy-text = Only clinicians you are connected to can see your record, and you can always see who they are and who looked at your data. You can leave a Healthspace at any time and take your data with you.

# Login
login-title = Log in
login-not-yet = Logging in is not yet available in this version of Carespace. Accounts are being added; until then there is nothing to log in to.

# Errors
error-status = Error code: { $status }
error-reference = Reference for support: { $id }
error-bad-request-title = Something is wrong with the request
error-bad-request-text = The information sent could not be processed. Go back, check what you entered and try again.
error-forbidden-title = Not allowed
error-forbidden-text = You do not have permission to do this.
error-not-found-title = Page not found
error-not-found-text = There is no page at this address. Check the address, or start again from the start page.
error-method-title = Not possible here
error-method-text = This page cannot be used in this way.
error-csrf-title = The form has expired
error-csrf-text = For your safety the form could not be sent. Go back, reload the page and try again.
error-too-large-title = Too much data
error-too-large-text = What you sent is larger than allowed. Send a smaller file or less text.
error-too-many-title = Too many attempts
error-too-many-text = Please wait a moment before you try again.
error-internal-title = Something went wrong
error-internal-text = An unexpected error occurred on our side. Nothing you entered was saved halfway. Please try again in a moment.
error-unavailable-title = Temporarily unavailable
error-unavailable-text = Carespace cannot be reached right now. Please try again in a few minutes.
