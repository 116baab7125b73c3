import { mount } from '../shared/ui';
import { AdminPage } from './AdminPage';

mount(<AdminPage />);
