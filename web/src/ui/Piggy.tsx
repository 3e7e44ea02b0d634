/** The Sparegris pig, drawn inline so it needs no request and scales crisply. */
export function Piggy({ size = 40, className }: { size?: number; className?: string }) {
  return (
    <svg
      className={className}
      width={size}
      height={size}
      viewBox="0 0 64 64"
      aria-hidden="true"
      focusable="false"
    >
      <rect x="26" y="6" width="12" height="4" rx="2" fill="#5a2a36" />
      <path d="M15 22 L12 10 L24 16 Z" fill="#e87f97" />
      <circle cx="32" cy="34" r="24" fill="#f4a3b4" />
      <rect x="17" y="50" width="7" height="9" rx="3" fill="#e87f97" />
      <rect x="40" y="50" width="7" height="9" rx="3" fill="#e87f97" />
      <circle cx="24" cy="29" r="3" fill="#5a2a36" />
      <ellipse cx="41" cy="37" rx="8" ry="6" fill="#e87f97" />
      <circle cx="38.5" cy="37" r="1.5" fill="#5a2a36" />
      <circle cx="43.5" cy="37" r="1.5" fill="#5a2a36" />
    </svg>
  );
}
