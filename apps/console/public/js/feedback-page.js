// The resident's page at /feedback/<token> (feedback.html): a module file, no inline script (CSP).
import { mountFeedback } from './views/feedback.js';

void mountFeedback(document.getElementById('main'));
