# Sourced by the load scripts: logs a demo person in with curl, keeping the browser's cookies in
# a jar, and answers the second step of the owner and staff member with a code from the
# authenticator secret the demo printed for them.
#
#   demo_login BASE_URL EMAIL COOKIE_JAR SERVER_OUTPUT

form_csrf() { grep -o 'name="csrf_token" value="[^"]*"' "$1" | head -1 | sed 's/.*value="//; s/"$//'; }

demo_login() {
  local base="$1" email="$2" jar="$3" out="$4" password secret page
  password=$(grep -m1 -o 'password: .*' "$out" | cut -d' ' -f2-)
  secret=$(awk -v e="$email" '$2 == e { found = 1; next }
    found && /authenticator app secret:/ { print $4 } { found = 0 }' "$out")
  page=$(mktemp)
  curl -fs -c "$jar" -b "$jar" "$base/login" -o "$page"
  curl -fs -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$(form_csrf "$page")" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/login"
  if [[ -n "$secret" ]]; then
    curl -fs -c "$jar" -b "$jar" "$base/login/second-step" -o "$page"
    curl -fs -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$(form_csrf "$page")" \
      --data-urlencode "code=$(scripts/totp-code "$secret")" "$base/login/second-step"
  fi
  rm -f "$page"
}
