import { mount } from '../shared/ui';
import { PanelPage } from './PanelPage';

mount(<PanelPage />);
