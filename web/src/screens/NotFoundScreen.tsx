import { text } from '../text.ts';
import { Link } from '../ui/Link.tsx';
import { Page } from '../ui/Page.tsx';

export function NotFoundScreen() {
  return (
    <Page title={text.errors.notFoundTitle} lead={text.errors.notFoundBody}>
      <Link to="/" className="button button-primary">
        {text.errors.backHome}
      </Link>
    </Page>
  );
}
