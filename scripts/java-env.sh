# Sourced by ./kvasir and .ci/run: selects a JDK 25 or newer without the user having to.
# Order: $JAVA_HOME if it is new enough, then `java` on the PATH, then the JDKs under /usr/lib/jvm and /opt.

kvasir_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

kvasir_select_java() {
  local candidate major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$candidate" ] && candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(kvasir_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "kvasir: no JDK 25 or newer found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt)." >&2
  echo "kvasir: install one (for example Temurin 25) and set JAVA_HOME." >&2
  return 1
}

# The flags every Kvasir JVM needs (kept in step with kvasir.jvm.flags in pom.xml).
KVASIR_JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
