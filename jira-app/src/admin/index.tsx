import { mount } from '../common/ui';
import { AdminPage } from './AdminPage';

mount(<AdminPage />);
