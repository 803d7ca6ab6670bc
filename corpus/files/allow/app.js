const a = "ghp_6UNbaKvuCUeEzqLqYKeDbqqqX3H9is87IT8X"; // hush:allow
const b = "ghp_l2oQxoDLwTZVpqX0Y9tZ4iPnaYieML2bia6M"; // gitleaks:allow
const c = "ghp_h1J3syDP3Pd2fgi7hfZVcgIfQK6rk2ZZb9gb"; # pragma: allowlist secret
const d = "dckr_pat_FeWazDr5I097jbSFep7A5aSb9Ey";
