import { mount } from '../common/ui';
import { SettingsPage } from './SettingsPage';

mount(<SettingsPage />);
