// Entry of the resident's feedback page (feedback.html): a file, not an inline script, so the
// page runs under the CSP's script-src 'self'.
import { mountFeedback } from './views/feedback.js';

mountFeedback(document.getElementById('main'));
