import { mount } from '../shared/ui';
import { SettingsPage } from './SettingsPage';

mount(<SettingsPage />);
