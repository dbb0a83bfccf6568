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

# Accounts: navigation and forms
nav-account = My account
nav-logout = Log out
nav-register = Create account
form-error-summary = Please correct the following
field-email = Email address
field-full-name = Full name
field-birth-date = Date of birth
field-password = Password
field-new-password = New password
field-current-password = Current password
field-new-email = New email address
field-language = Language
field-phone = Mobile phone number (optional)
password-hint = At least 8 characters; { $count } or more is better. A few unusual words in a row make a strong, memorable password.

# Register
register-title = Create an account
register-intro = Your account is yours: you use it with every care provider you join, and your record stays with you.
register-email-hint = We send notifications here; they never contain health information.
register-birth-date-hint = Care providers use it to check it is really you. You cannot change it later.
register-submit = Create account
register-have-account = Already have an account?
register-done-title = Check your email
register-done-text = We have sent an email to the address you entered. Open the link in it to confirm your address and finish creating your account. The link is valid for 24 hours.
verify-title = Confirm your email address
verify-text = Press the button to confirm this email address for your account.
verify-button = Confirm email address
verify-done-title = Email address confirmed
verify-done-text = Thank you. Your email address is confirmed and your account is ready.
link-invalid-title = This link no longer works
link-invalid-text = The link is invalid, was already used or has expired. Request a new one and use the most recent email.
verify-pending-title = Confirm your email address
verify-pending-text = Before you continue, confirm your email address: open the link in the email we sent to { $email }. No email? Check your spam folder or send a new link.
verify-pending-resend = Send a new link
verify-pending-sent = A new link is on its way.
verify-pending-wait = A link was sent less than a minute ago. Please wait a moment before asking again.

# Login
login-submit = Log in
login-forgot = Forgot your password?
login-no-account = No account yet?
login-failed = The email address or password is not correct.
login-throttled = Too many attempts to log in. Try again in { $minutes } minutes, or reset your password.

# Password reset
forgot-title = Forgot your password
forgot-intro = Enter the email address of your account. We will send you a link to choose a new password.
forgot-submit = Send link
forgot-sent-title = Check your email
forgot-sent-text = If an account exists for this address, we have sent a link to choose a new password. The link is valid for one hour.
reset-title = Choose a new password
reset-intro = After this, you will be logged out everywhere and can log in with the new password.
reset-submit = Save new password
reset-done-title = Password changed
reset-done-text = Your new password is saved and all sessions have been ended. You can now log in.

# My account
account-title = My account
account-saved-profile = Your details have been saved.
account-saved-photo = Your photo has been updated.
account-email-sent = We have sent a link to the new address. Your email address changes once you open it.
account-saved-password = Your password has been changed. Other sessions have been ended.
account-profile = Personal details
account-birth-date-fixed = (cannot be changed)
account-phone-hint = For two-step verification by text message. Write it as +31 6 12345678 or 06 12345678.
account-save = Save
account-photo = Profile photo
account-photo-alt = Your profile photo
account-photo-choose = Choose a photo
account-photo-hint = JPEG, PNG or WebP. Location and camera data are removed.
account-photo-upload = Upload photo
account-photo-remove = Remove photo
account-email = Email address
account-email-intro = We send a link to the new address. The change takes effect when you open it, and we let your current address know.
account-email-submit = Change email address
account-password = Password
account-password-intro = After the change, all your other sessions end.
account-password-submit = Change password
email-confirm-title = Confirm your new email address
email-confirm-text = Press the button to use this address for your account from now on.
email-confirm-button = Confirm new address
email-confirm-done-title = Email address changed
email-confirm-done-text = Your account now uses the new email address.

# Sessions
sessions-title = Active sessions
sessions-intro = These are the browsers and devices where you are logged in. End any session you do not recognise, and change your password.
sessions-ended = { $count ->
    [one] One session has been ended.
   *[other] { $count } sessions have been ended.
}
sessions-current = This browser
sessions-device = Device
sessions-ip = IP address
sessions-language = Browser language
sessions-started = Logged in
sessions-last-seen = Last active
sessions-end = End this session
sessions-end-others = End all other sessions
device-computer = Computer
device-phone = Phone
device-other = Other device

# API tokens
tokens-title = API tokens
tokens-intro = Personal access tokens let a program use the Carespace API as you. Give each a name, keep it secret, and revoke it when it is no longer needed.
tokens-created = Your new token is below. Copy it now: it will not be shown again.
tokens-none = You have no tokens.
tokens-name = Name
tokens-expires = Expires
tokens-last-used = Last used
tokens-never = never
tokens-revoke = Revoke
tokens-new = New token
tokens-days = Valid for (days)
tokens-create = Create token
tokens-api-doc = API description (OpenAPI)

# Dev inbox
inbox-title = Dev inbox
inbox-intro = Emails are not sent in this installation but kept here, newest first. Only use this for trying Carespace out.
inbox-empty = No emails yet.
inbox-to = To:
inbox-back = Back to the inbox

# Problems with input
problem-email-invalid = Enter an email address like name@example.nl.
problem-email-unchanged = This is already your email address.
problem-name-required = Enter your full name.
problem-name-too-long = The name can be at most 100 characters.
problem-name-invalid = The name contains characters that are not allowed.
problem-birth-date-required = Enter your date of birth.
problem-birth-date-invalid = Enter a real date of birth, like 1990-05-31.
problem-too-young = You are younger than the minimum age for an account here. Ask your care provider about other ways to take part.
problem-phone-invalid = Enter a mobile number like +31 6 12345678.
problem-password-too-short = The password must be at least 8 characters.
problem-password-too-long = The password can be at most 128 characters.
problem-password-personal = The password must not contain your name or email address.
problem-password-guessable = This password is too easy to guess. Use a longer one, for example a few unusual words in a row.
problem-current-password-wrong = The current password is not correct.
problem-photo-missing = Choose a photo to upload.
problem-photo-too-large = The photo is too large. Choose a smaller file.
problem-photo-type = Only JPEG, PNG or WebP images can be used.
problem-photo-unreadable = The image could not be read. Try another file.
problem-token-name-invalid = Give the token a name of at most 100 characters.
problem-token-days-invalid = Enter a number of days from 1 to 365.

# Email
mail-greeting = Hello { $name },
mail-footer = This email was sent by Carespace ({ $url }). It never contains health information: log in to read messages.
mail-verify-email-subject = Confirm your email address
mail-verify-email-body = Welcome to Carespace. Confirm your email address to finish creating your account. The link is valid for 24 hours. Did you not create an account? Then you can ignore this email.
mail-verify-email-action = Confirm email address
mail-already-registered-subject = Someone tried to create an account with your address
mail-already-registered-body = Someone tried to create a Carespace account, or change an account's address, using this email address. You already have an account. Was it you and did you forget your password? Choose a new one. Otherwise you can ignore this email.
mail-already-registered-action = Choose a new password
mail-reset-password-subject = Choose a new password
mail-reset-password-body = Someone asked to reset the password of your Carespace account. The link is valid for one hour. Was it not you? Then ignore this email: your password stays the same.
mail-reset-password-action = Choose a new password
mail-password-changed-subject = Your password was changed
mail-password-changed-body = The password of your Carespace account was just changed and your other sessions were ended. Was it not you? Choose a new password at once.
mail-password-changed-action = Choose a new password
mail-confirm-new-email-subject = Confirm your new email address
mail-confirm-new-email-body = Open the link to use this address for your Carespace account from now on. The link is valid for 24 hours. Did you not ask for this? Then you can ignore this email.
mail-confirm-new-email-action = Confirm new address
mail-email-changed-subject = Your email address was changed
mail-email-changed-body = Your Carespace account now uses the address { $new_email }. Emails will no longer come to this address. Was it not you? Contact your care provider at once.
mail-email-changed-action = Log in

error-unauthorized-title = Please log in
error-unauthorized-text = You need to log in to do this.

# My organisation
nav-organisation = My organisation
organisation-title = My organisation
organisation-saved = The organisation's details have been saved.
organisation-healthspace-created = The Healthspace has been created. It is not active yet: activate it when it is ready.
organisation-healthspace-activated = The Healthspace is active: clients and staff can reach it.
organisation-healthspace-deactivated = The Healthspace is deactivated. Memberships were not cancelled.
organisation-details = Organisation details
organisation-address-note = Changing the organisation's address does not change the address of any Healthspace. A Healthspace's address is set in its own settings and shown on its login page.
organisation-name = Name
organisation-address = Address
organisation-billing-address = Billing address
organisation-healthspaces = Healthspaces
organisation-no-healthspaces = This organisation has no Healthspaces yet.
organisation-healthspace-name = Name of the Healthspace
organisation-alias = Alias (web address)
organisation-alias-hint = 3 to 40 lowercase letters, digits and hyphens, for example de-linde. The Healthspace will be at /h/ followed by the alias.
organisation-alias-warning = Choose the alias carefully: it cannot be changed later, and it is never given out again.
organisation-state = State
organisation-active = Active
organisation-inactive = Inactive
organisation-actions = Actions
organisation-activate = Activate
organisation-deactivate = Deactivate
organisation-new-healthspace = New Healthspace
organisation-create = Create Healthspace
deactivate-title = Deactivate Healthspace
deactivate-effect = After deactivating, clients and staff can no longer reach this Healthspace. You, as owner, keep access.
deactivate-memberships = { $count ->
    [one] There is one existing membership.
   *[other] There are { $count } existing memberships.
}
deactivate-not-cancelled = Memberships are not cancelled: they stay existing memberships, count in reports and seats, and are all valid again — connections included — when you activate the Healthspace again. To stop them, cancel the memberships before deactivating.
deactivate-confirm = Deactivate
deactivate-cancel = Keep it active
healthspace-unavailable-title = This Healthspace is not available
healthspace-unavailable-text = This Healthspace cannot be reached at the moment. Contact your care provider if you expected to find it here.
problem-required = This field is required.
problem-too-long = This is too long.
problem-healthspace-name = Give the Healthspace a name of at most 100 characters.
problem-alias-length = The alias must be 3 to 40 characters.
problem-alias-characters = Use only lowercase letters, digits and single hyphens, not at the start or end.
problem-alias-reserved = This word is reserved. Choose another alias.
problem-alias-taken = This alias is taken or was used before. Choose another.
mail-greeting-anonymous = Hello,
mail-owner-added-subject = You are now an owner of an organisation
mail-owner-added-body = You are now an owner of { $organisation } on Carespace. Log in and open My organisation to manage it and its Healthspaces.
mail-owner-added-action = Open My organisation
mail-owner-invited-subject = You have been made owner of an organisation
mail-owner-invited-body = You have been made owner of { $organisation } on Carespace. Create an account with this email address ({ $email }) and confirm it; the organisation then appears under My organisation. Already have an account with another address? Change it to this one in My account.
mail-owner-invited-action = Create an account

# Members, invitations, memberships, connections
role-client = Client
role-staff = Staff member
role-admin = Healthspace admin
membership-active = Active
membership-cancelled = Cancelled
members-title = Members
members-search = Name or email address
members-role = Role
members-state = State
members-all = All
members-filter = Filter
members-none = No members match.
members-next = Next page
members-cancel = Cancel membership
members-invited = The invitation has been sent.
members-cancelled = The membership has been cancelled and the member emailed.
members-connected = They are connected.
members-invite = Invite someone
members-invite-birth-date = Their date of birth (optional)
members-invite-birth-date-hint = When you fill it in, the invited person must enter the same date to accept: a second identity check.
members-invite-submit = Send invitation
members-connect = Connect a staff member to a client
members-connect-intro = A staff member sees a client's record only through a connection. The client always sees who is connected.
members-connect-staff = Email address of the staff member
members-connect-client = Email address of the client
members-connect-submit = Connect
invitation-title = Invitation
invitation-text = You are invited to join
invitation-birth-date-hint = To check it is really you, enter your date of birth.
invitation-accept = Accept invitation
invitation-log-in-first = Log in to accept, or create an account first with the email address the invitation was sent to.
memberships-title = Memberships
memberships-none = You are not a member of any Healthspace.
memberships-since = Member since
memberships-cancel = Cancel membership
memberships-cancelled = Your membership has been cancelled. You keep your record.
memberships-cancel-effect = After cancelling, the staff of this Healthspace can no longer see your record. You keep everything in it, free of charge, and can be invited again later.
memberships-cancel-confirm = Yes, cancel my membership
memberships-keep = Keep my membership
connections-title = My connections
connections-intro = These staff members are connected to you and can see your record in their Healthspace.
connections-none = No one is connected to you.
connections-who = Staff member
connections-where = Healthspace
connections-since = Since
problem-role-invalid = Choose a role.
problem-birth-date-mismatch = The date of birth does not match what the care provider gave. Check it, or ask them.
problem-not-a-member = This address does not belong to a member of this Healthspace in that role.
mail-invitation-subject = You are invited to a Healthspace
mail-invitation-body = You are invited to join { $organisation } on Carespace as { $role }. The invitation is valid for 14 days.
mail-invitation-action = View the invitation
mail-invitation-reminder-subject = Reminder: you are invited to a Healthspace
mail-invitation-reminder-body = A reminder: you are invited to join { $organisation } on Carespace as { $role }.
mail-invitation-reminder-action = View the invitation
mail-membership-cancelled-subject = Your membership was cancelled
mail-membership-cancelled-body = Your care provider cancelled your membership of { $organisation }. You keep your record and everything in it.
mail-membership-cancelled-action = My memberships

## A Healthspace's own pages: dashboard and settings
nav-healthspaces = Healthspaces
healthspace-logo-alt = Logo of { $name }
healthspace-not-member = You are logged in, but you are not a member of this Healthspace. If you expected to be, ask your care provider for an invitation.
dashboard-your-role = You are here as: { $role }
dashboard-inactive = This Healthspace is not active. Only the organisation's owners can see it until it is activated.
dashboard-welcome = Welcome
dashboard-address = Address
dashboard-opening-hours = Opening hours
dashboard-manage = Manage
dashboard-connect-self = Connect yourself to a client
dashboard-connect-self-hint = The email address the client uses here. Connecting gives you access to this client's record, and the client sees that you are connected.
dashboard-connect-self-submit = Connect me
dashboard-connected = You are connected to the client.
settings-title = Settings
settings-back = Back to { $name }
settings-general = Name, texts and colours
settings-name = Name of the Healthspace
settings-address = Address
settings-address-hint = Shown on the Healthspace's login page and dashboard. Changing the organisation's address does not change this one.
settings-welcome = Welcome text
settings-welcome-hint = Shown on the dashboard. You may use simple HTML: paragraphs, bold, italics, lists and links. Anything else is removed.
settings-opening-hours = Opening hours
settings-colours = Colours
settings-colours-hint = The colour of the header, buttons and links, and the colour of text on it. Both must be readable: a contrast of at least 4.5:1 (WCAG AA).
settings-own-colours = Use our own colours
settings-brand-primary = Brand colour
settings-brand-primary-text = Text on the brand colour
settings-staff-connect-self = Staff may connect themselves to clients
settings-staff-connect-self-hint = Otherwise only admins connect staff to clients.
settings-logo = Logo
settings-logo-file = Logo image
settings-logo-hint = JPEG, PNG or WebP, at most 5 MB. It is shown at most 512 pixels wide.
settings-logo-upload = Upload logo
settings-logo-remove = Remove logo
settings-saved = The settings have been saved.
settings-logo-saved = The logo has been changed.
seats-title = Seats report
audit-title = Audit log
problem-colour-format = Choose a colour like #0b5c8a.
problem-colour-text-contrast = The text colour is not readable on the brand colour. Choose colours with more contrast (at least 4.5:1).
problem-colour-page-contrast = The brand colour is too light to read as text on a white page. Choose a darker colour (contrast at least 4.5:1).
problem-logo-missing = Choose an image to upload.
problem-logo-too-large = The image is too large. Choose a smaller file.
problem-logo-type = Only JPEG, PNG or WebP images can be used.
problem-logo-unreadable = The image could not be read. Try another file.
members-pending = Invitations not yet accepted
members-pending-until = Valid until
members-pending-expired = Expired
members-resend = Send again
members-revoke = Revoke
members-revoked = The invitation has been revoked; its link no longer works.
members-resent = The invitation has been sent again with a new link, valid for 14 days.
seats-intro = For each calendar month (UTC): the memberships of { $name } that existed at some time in that month, by role. Memberships of an inactive Healthspace are not cancelled and count too; cancelled ones count up to the month they were cancelled in.
seats-caption = Existing memberships per month in { $name }
seats-month = Month
seats-clients = Clients
seats-staff = Staff
seats-admins = Admins
seats-total = Total
seats-download = Download as CSV
