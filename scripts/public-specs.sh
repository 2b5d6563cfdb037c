# Sourced by check-public-specs.sh, round-trip-examples.sh and rustfmt-large-outputs.sh: sets `public_specs` to the public
# specs in $specs_dir whose file name contains $filter. Gzipped ones (`*.json.gz`, too big to keep
# unpacked in git) are unpacked into $target/public-specs first, again only when the archive is
# newer than the unpacked file, and listed by their unpacked path.
public_specs=()
for spec in "$specs_dir"/*.yaml "$specs_dir"/*.json "$specs_dir"/*.json.gz; do
  [ -f "$spec" ] || continue
  case "$spec" in
    *.gz)
      out="$target/public-specs/$(basename "${spec%.gz}")"
      case "$(basename "$out")" in *"$filter"*) ;; *) continue ;; esac
      if [ ! -f "$out" ] || [ "$spec" -nt "$out" ]; then
        mkdir -p "$target/public-specs"
        gunzip -c "$spec" > "$out.tmp"
        mv "$out.tmp" "$out"
      fi
      spec="$out"
      ;;
  esac
  case "$(basename "$spec")" in *"$filter"*) public_specs+=("$spec") ;; esac
done
